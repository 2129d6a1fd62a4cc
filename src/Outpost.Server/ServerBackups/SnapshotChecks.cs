using System.Text;
using Outpost.Packaging;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// Checks a snapshot index before a restore writes anything: every path relative and normalised, every entry inside
/// a directory declared before it, sizes that agree with the chunk lists, symlinks that stay inside the data
/// directory, no setuid bits. A repository edited by anything but Outpost is refused whole, naming the entry.
/// </summary>
internal static class SnapshotChecks
{
    private const int MaxPathBytes = 4096;
    private const int MaxSegmentBytes = 255;
    private const int MaxEntries = 10_000_000;
    private const long MaxFileBytes = 1L << 40;

    /// <summary>Throws <see cref="BackupException"/> for the first problem; returns the total file bytes.</summary>
    public static long Check(SnapshotIndex index)
    {
        if (index.Entries.Count > MaxEntries)
        {
            throw new BackupException($"snapshot {index.Id} lists {index.Entries.Count} entries, more than the {MaxEntries} a restore accepts");
        }

        var directories = new HashSet<string>(StringComparer.Ordinal) { "" };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in index.Entries)
        {
            var path = entry.Path ?? "";
            if (CheckPath(path) is { } problem)
            {
                throw new BackupException($"snapshot entry '{Printable(path)}' {problem}");
            }

            if (!seen.Add(path))
            {
                throw new BackupException($"snapshot entry '{path}' appears twice");
            }

            var slash = path.LastIndexOf('/');
            if (!directories.Contains(slash < 0 ? "" : path[..slash]))
            {
                throw new BackupException($"snapshot entry '{path}' is not inside a directory of the snapshot (it would be placed under a file or a symlink)");
            }

            if ((entry.Mode & ~0x3FF) != 0 || entry.Mode < 0)
            {
                throw new BackupException($"snapshot entry '{path}' has mode {Convert.ToString(entry.Mode, 8)}: setuid, setgid and file type bits are refused");
            }

            switch (entry.Kind)
            {
                case SnapshotEntryKind.Directory:
                    directories.Add(path);
                    break;
                case SnapshotEntryKind.File:
                    CheckFile(entry);
                    total += entry.Size;
                    break;
                case SnapshotEntryKind.Symlink:
                    CheckLink(entry);
                    break;
                default:
                    throw new BackupException($"snapshot entry '{path}' is of an unknown kind");
            }
        }

        if (!index.Entries.Any(e => e is { Path: "outpost.db", Kind: SnapshotEntryKind.File }))
        {
            throw new BackupException($"snapshot {index.Id} holds no database (outpost.db)");
        }

        return total;
    }

    private static void CheckFile(SnapshotEntry entry)
    {
        if (entry.Size < 0 || entry.Size > MaxFileBytes)
        {
            throw new BackupException($"snapshot entry '{entry.Path}' declares a size of {entry.Size} bytes; refusing it");
        }

        var expected = (entry.Size + BackupRepository.ChunkSize - 1) / BackupRepository.ChunkSize;
        if (entry.Chunks is not { } chunks || chunks.Count != expected)
        {
            throw new BackupException($"snapshot entry '{entry.Path}' declares {entry.Size} bytes but lists {entry.Chunks?.Count ?? 0} chunks instead of {expected}");
        }

        if (chunks.FirstOrDefault(c => c is null || !BackupRepository.IsChunkName(c)) is { } bad)
        {
            throw new BackupException($"snapshot entry '{entry.Path}' names a chunk '{Printable(bad ?? "")}' that is not a chunk name");
        }
    }

    private static void CheckLink(SnapshotEntry entry)
    {
        var target = entry.Target ?? "";
        if (target.Length is 0 || target.Length > MaxPathBytes || target.Contains('\0', StringComparison.Ordinal))
        {
            throw new BackupException($"snapshot symlink '{entry.Path}' has an empty, overlong or NUL-holding target");
        }

        if (target.StartsWith('/'))
        {
            throw new BackupException($"snapshot symlink '{entry.Path}' -> '{Printable(target)}' is absolute: it would point outside the data directory");
        }

        // Resolved lexically from the link's directory, the target must stay inside the data directory.
        var depth = entry.Path.Count(c => c == '/');
        foreach (var segment in target.Split('/'))
        {
            depth += segment switch { ".." => -1, "" or "." => 0, _ => 1 };
            if (depth < 0)
            {
                throw new BackupException($"snapshot symlink '{entry.Path}' -> '{Printable(target)}' escapes the data directory");
            }
        }
    }

    private static string? CheckPath(string path)
    {
        if (path.Length is 0)
        {
            return "has an empty path";
        }

        if (path.StartsWith('/'))
        {
            return "is an absolute path";
        }

        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            return $"is longer than {MaxPathBytes} bytes";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length is 0)
            {
                return "has an empty path segment";
            }

            if (segment is "." or "..")
            {
                return $"has a '{segment}' segment (it would escape the data directory)";
            }

            if (segment.Any(c => c == '\\' || char.IsControl(c)))
            {
                return "holds a backslash or a control character";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"has a name longer than {MaxSegmentBytes} bytes";
            }
        }

        return null;
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
