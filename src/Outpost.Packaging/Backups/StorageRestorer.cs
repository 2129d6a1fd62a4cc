using System.Text;

namespace Outpost.Packaging;

/// <summary>
/// Extracts the entries after backup.json into a partial directory, judging each header (name, type, mode, size,
/// limits) before writing anything for it. Entries are placed through <see cref="PackageTree"/>, so every parent is a
/// real directory created by this restore and nothing is ever written through a symlink.
/// </summary>
internal sealed class StorageRestorer(TarEntryReader tar, string partialDir, BackupLimits limits, IProgress<BackupProgress>? progress)
{
    private readonly PackageTree _tree = new(BackupEntries.Archive);
    private readonly DirectorySink _sink = new(partialDir, partialDir);
    private int _entries;
    private long _bytes;

    public async Task<BackupManifest> RestoreAsync(
        Func<TarEntryReader, BackupLimits, CancellationToken, Task<BackupManifest>> readManifest, CancellationToken ct)
    {
        var manifest = await readManifest(tar, limits, ct);
        while (await tar.NextAsync(ct) is { } entry)
        {
            await RestoreEntryAsync(entry, ct);
        }

        if (!_tree.TryGet("/", out _))
        {
            throw new BackupException("the backup has no storage/ directory");
        }

        foreach (var (path, node) in _tree.Nodes)
        {
            // Lexical checks cannot see chains such as a -> b/.. where b is itself a link to somewhere shallower.
            if (node.Kind == TreeNodeKind.Symlink && _tree.Resolve(path, followLast: true, out var problem) is null)
            {
                throw new BackupException($"backup entry '{BackupEntries.NameOf(path)}' is a symlink to '{EntryRules.Printable(node.LinkTarget!)}' that {problem}");
            }
        }

        return manifest;
    }

    private async Task RestoreEntryAsync(TarEntryHeader entry, CancellationToken ct)
    {
        if (++_entries > limits.MaxEntries)
        {
            throw new BackupException($"the backup holds more than {limits.MaxEntries} entries, the limit for a restore");
        }

        var path = StoragePath(entry);
        EntryRules.CheckType(entry, BackupEntries.Archive);
        var mode = EntryRules.CheckMode(entry, BackupEntries.Archive);
        if (entry.IsRegularFile)
        {
            _bytes += entry.Size;
            if (_bytes > limits.MaxStorageBytes)
            {
                throw EntryRules.Error(entry, $"declares {entry.Size} bytes: the backup would expand to more than {limits.MaxStorageBytes} bytes, the limit for a restore", BackupEntries.Archive);
            }
        }

        switch (entry.TypeFlag)
        {
            case TarEntryHeader.Directory:
                _tree.Add(path, TreeNode.Directory(mode));
                await _sink.CreateDirectoryAsync(path, mode, ct);
                break;
            case TarEntryHeader.SymbolicLink:
                EntryRules.CheckLinkTarget(entry, path, limits.MaxPathLength, BackupEntries.Archive);
                _tree.Add(path, TreeNode.Symlink(entry.LinkName));
                await _sink.CreateSymlinkAsync(path, entry.LinkName, ct);
                break;
            default:
                _tree.Add(path, TreeNode.File(mode, entry.Size));
                await _sink.WriteFileAsync(path, mode, entry.Size, tar, ct);
                progress?.Report(new BackupProgress(_bytes, null));
                break;
        }
    }

    /// <summary>Maps "storage" to "/" and "storage/a/b" to "/a/b"; refuses every other name.</summary>
    private string StoragePath(TarEntryHeader entry)
    {
        var name = entry.Name;
        if (Encoding.UTF8.GetByteCount(name) > limits.MaxPathLength)
        {
            throw EntryRules.Error(entry, $"name is longer than {limits.MaxPathLength} bytes", BackupEntries.Archive);
        }

        if (name.StartsWith('/'))
        {
            throw EntryRules.Error(entry, "is an absolute path: it escapes the grain's storage", BackupEntries.Archive);
        }

        if (entry.TypeFlag == TarEntryHeader.Directory && name.EndsWith('/'))
        {
            name = name[..^1];
        }

        var segments = name.Split('/');
        if (segments.Contains(".."))
        {
            throw EntryRules.Error(entry, "escapes the grain's storage ('..' in its name)", BackupEntries.Archive);
        }

        foreach (var segment in segments)
        {
            if (PackagePath.CheckSegment(segment, allowDots: false) is { } problem)
            {
                throw EntryRules.Error(entry, $"name {problem}", BackupEntries.Archive);
            }
        }

        if (name == BackupEntries.Manifest)
        {
            throw EntryRules.Error(entry, "appears more than once", BackupEntries.Archive);
        }

        if (name == BackupEntries.Storage)
        {
            return entry.TypeFlag == TarEntryHeader.Directory
                ? "/"
                : throw EntryRules.Error(entry, "must be a directory", BackupEntries.Archive);
        }

        return name.StartsWith(BackupEntries.Storage + "/", StringComparison.Ordinal)
            ? name[BackupEntries.Storage.Length..]
            : throw EntryRules.Error(entry, "is outside storage/; a backup holds only backup.json and the storage/ tree", BackupEntries.Archive);
    }
}
