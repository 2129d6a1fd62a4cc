using System.Buffers;
using Outpost.Packaging;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// Adds files to a snapshot: each regular file is cut into <see cref="BackupRepository.ChunkSize"/> pieces, and a
/// piece is stored only if the repository does not hold a chunk of that name yet. A file whose size, modification
/// time, change time and inode equal the previous snapshot's entry keeps that entry's chunk list without being read.
/// </summary>
internal sealed class SnapshotBuilder(BackupRepository repository, IReadOnlyDictionary<string, SnapshotEntry> previous, DateTimeOffset startedAt, CancellationToken ct)
{
    // A file changed this close to the start may change again within the same clock tick unseen: it is read anyway.
    private const long RacyWindowNs = 2_000_000_000L;

    private readonly HashSet<string> _stored = [];
    private readonly long _startedNs = (startedAt.UtcDateTime - DateTime.UnixEpoch).Ticks * 100;

    public List<SnapshotEntry> Entries { get; } = [];

    public List<string> Skipped { get; } = [];

    public long TotalBytes { get; private set; }

    public long NewBytes { get; private set; }

    public int Files { get; private set; }

    /// <summary>
    /// Adds the directory <paramref name="source"/> as <paramref name="path"/>, and everything below it, never
    /// following a symlink. Directories <paramref name="recordOnly"/> picks (mount points) are recorded empty.
    /// </summary>
    public void AddTree(string source, string path, Func<string, bool>? recordOnly = null)
    {
        ct.ThrowIfCancellationRequested();
        if (FileStat.Of(source) is not { Type: FileStat.DirectoryType } stat)
        {
            Skipped.Add($"{path}: disappeared while the backup ran");
            return;
        }

        Entries.Add(Entry(stat, path, SnapshotEntryKind.Directory));
        if (recordOnly?.Invoke(path) is true)
        {
            return;
        }

        foreach (var child in Directory.EnumerateFileSystemEntries(source).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            Add(Path.Combine(source, child!), path + "/" + child, recordOnly);
        }
    }

    /// <summary>Adds one path of any kind; sockets and fifos are left out and listed.</summary>
    public void Add(string source, string path, Func<string, bool>? recordOnly = null)
    {
        switch (FileStat.Of(source))
        {
            case { Type: FileStat.DirectoryType }:
                AddTree(source, path, recordOnly);
                break;
            case { Type: FileStat.RegularType } file:
                AddFile(source, path, file);
                break;
            case { Type: FileStat.SymlinkType } link:
                Entries.Add(Entry(link, path, SnapshotEntryKind.Symlink) with { Target = new FileInfo(source).LinkTarget });
                break;
            case null:
                Skipped.Add($"{path}: disappeared while the backup ran");
                break;
            default:
                Skipped.Add($"{path}: a socket, fifo or device (holds no data)");
                break;
        }
    }

    private void AddFile(string source, string path, FileStat stat)
    {
        var entry = Entry(stat, path, SnapshotEntryKind.File);
        if (previous.TryGetValue(path, out var before) && before is { Kind: SnapshotEntryKind.File, Chunks: { } known }
            && before.Size == stat.Size && before.MTime == stat.MTimeNs && before.CTime == stat.CTimeNs && before.Inode == stat.Inode
            && stat.MTimeNs < _startedNs - RacyWindowNs && stat.CTimeNs < _startedNs - RacyWindowNs && known.All(repository.HasChunk))
        {
            Record(entry with { Size = before.Size, Chunks = known });
            return;
        }

        var chunks = new List<string>();
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BackupRepository.ChunkSize);
        try
        {
            using var stream = new FileStream(source, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan, BufferSize = 0 });
            int read;
            do
            {
                ct.ThrowIfCancellationRequested();
                read = stream.ReadAtLeast(buffer.AsSpan(0, BackupRepository.ChunkSize), BackupRepository.ChunkSize, throwOnEndOfStream: false);
                if (read == 0)
                {
                    break;
                }

                var piece = buffer.AsSpan(0, read);
                var name = repository.Keys.ChunkName(piece);
                if (!_stored.Contains(name) && !repository.HasChunk(name))
                {
                    repository.WriteChunk(name, piece);
                    _stored.Add(name);
                    NewBytes += read;
                }

                chunks.Add(name);
                size += read;
            }
            while (read == BackupRepository.ChunkSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Record(entry with { Size = size, Chunks = chunks });
    }

    private void Record(SnapshotEntry entry)
    {
        Entries.Add(entry);
        TotalBytes += entry.Size;
        Files++;
    }

    private static SnapshotEntry Entry(FileStat stat, string path, SnapshotEntryKind kind) => new()
    {
        Path = path,
        Kind = kind,
        Mode = stat.Mode & 0x3FF,
        Uid = stat.Uid,
        Gid = stat.Gid,
        MTime = stat.MTimeNs,
        CTime = stat.CTimeNs,
        Inode = stat.Inode,
    };
}
