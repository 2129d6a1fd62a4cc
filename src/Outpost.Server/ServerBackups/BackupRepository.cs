using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outpost.Packaging;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// A directory of server snapshots: <c>chunks/&lt;2 hex&gt;/&lt;name&gt;</c> (encrypted, content-addressed, shared
/// by every snapshot), <c>snapshots/&lt;id&gt;</c> (encrypted indexes), <c>keys/&lt;master key id&gt;.json</c> (the
/// repository key wrapped under a master key) and a lock file. Files appear only by rename of a complete temporary
/// file, so a process killed at any moment leaves whole files or none.
/// </summary>
public sealed partial class BackupRepository : IDisposable
{
    /// <summary>Plaintext bytes per chunk: gocryptfs rewrites only the blocks whose data changed, so fixed offsets deduplicate well.</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>The name of the marker file that makes a directory a repository.</summary>
    public const string MarkerFile = "outpost-backups.json";

    private const long MaxIndexBytes = 1L << 30;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = PrivateFile | UnixFileMode.UserExecute;

    private readonly FileStream? _lock;

    private BackupRepository(string root, FileStream? lockFile, RepositoryKeys keys)
    {
        Root = root;
        _lock = lockFile;
        Keys = keys;
    }

    /// <summary>The repository directory.</summary>
    public string Root { get; }

    internal RepositoryKeys Keys { get; }

    private string Snapshots => Path.Combine(Root, "snapshots");

    private string Chunks => Path.Combine(Root, "chunks");

    private string Temp => Path.Combine(Root, "tmp");

    /// <summary>
    /// Opens (creating if needed) the repository for a backup, locked against other writers. Refuses a directory
    /// that holds another server's backups. Adds a key file for the current master key if there is none yet (after
    /// a master key rotation, older snapshots stay readable with the old key too).
    /// </summary>
    internal static BackupRepository OpenForBackup(string root, byte[] repositoryKey, string masterKeyId, byte[]? passphraseSalt, Func<byte[], byte[]> wrap)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            // Not created here: a missing directory is most often a backup disk that is not mounted, and creating it
            // would quietly fill the server's own disk instead.
            throw new BackupException($"the backup directory {root} does not exist: create it on the disk the backups go to, or mount that disk");
        }

        if (!File.Exists(Path.Combine(root, MarkerFile)) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new BackupException($"{root} is not empty and is not an Outpost backup repository: choose an empty directory for server backups");
        }

        foreach (var sub in new[] { "snapshots", "chunks", "keys", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(root, sub), PrivateDirectory);
        }

        var lockFile = Lock(root, exclusive: true);
        try
        {
            var keys = new RepositoryKeys(repositoryKey);
            var keyFiles = ReadKeyFiles(root);
            if (keyFiles.Count > 0 && !keyFiles.Any(k => k.KeyCheck == keys.Check))
            {
                throw new BackupException($"{root} holds the backups of another Outpost server (master key {string.Join(", ", keyFiles.Select(k => k.MasterKeyId))}): give each server its own backup directory");
            }

            if (!keyFiles.Any(k => k.MasterKeyId == masterKeyId))
            {
                var keyFile = new RepositoryKeyFile { MasterKeyId = masterKeyId, PassphraseSalt = passphraseSalt, WrappedKey = wrap(repositoryKey), KeyCheck = keys.Check };
                WriteAtomically(root, Path.Combine(root, "keys", masterKeyId + ".json"), JsonSerializer.SerializeToUtf8Bytes(keyFile, SnapshotJsonContext.Default.RepositoryKeyFile));
            }

            if (!File.Exists(Path.Combine(root, MarkerFile)))
            {
                WriteAtomically(root, Path.Combine(root, MarkerFile), """{"format":1,"chunkSize":1048576,"about":"Outpost server backups: see docs/backups.md"}"""u8.ToArray());
            }

            var repository = new BackupRepository(root, lockFile, keys);
            repository.RemoveTemporaryFiles();
            return repository;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a repository to read it (a restore), with a shared lock so that no backup prunes chunks meanwhile.
    /// <paramref name="unwrap"/> gets each key file and returns the repository key when the given master key opens
    /// it, or null. Nothing in the repository is changed.
    /// </summary>
    public static BackupRepository OpenForRestore(string root, Func<RepositoryKeyFile, byte[]?> unwrap, out string masterKeyId)
    {
        root = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(root, MarkerFile)))
        {
            throw new BackupException($"{root} is not an Outpost backup repository (it has no {MarkerFile})");
        }

        var lockFile = Lock(root, exclusive: false);
        try
        {
            var keyFiles = ReadKeyFiles(root);
            foreach (var keyFile in keyFiles)
            {
                if (unwrap(keyFile) is { } key)
                {
                    var keys = new RepositoryKeys(key);
                    if (keys.Check != keyFile.KeyCheck)
                    {
                        throw new BackupException($"the key file of master key {keyFile.MasterKeyId} in {root} is damaged (its key check does not match)");
                    }

                    masterKeyId = keyFile.MasterKeyId;
                    return new BackupRepository(root, lockFile, keys);
                }
            }

            throw new BackupException(keyFiles.Count is 0
                ? $"{root} holds no key file: it has no snapshot to restore"
                : $"wrong master key: the snapshots in {root} open with master key {string.Join(" or ", keyFiles.Select(k => k.MasterKeyId))}, not the key given. Use the master.key (or passphrase) of the server that made them");
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the repository to list its snapshots, without a lock: files appear and go only by rename, so a listing
    /// beside a running backup sees whole snapshots. Null when <paramref name="root"/> is not a repository yet.
    /// </summary>
    internal static BackupRepository? OpenToList(string root, byte[] repositoryKey) =>
        File.Exists(Path.Combine(root, MarkerFile)) ? new BackupRepository(Path.GetFullPath(root), null, new RepositoryKeys(repositoryKey)) : null;

    /// <summary>The ids of the snapshots, oldest first (ids start with their UTC time).</summary>
    public IReadOnlyList<string> SnapshotIds() =>
        Directory.EnumerateFiles(Snapshots).Select(Path.GetFileName).Where(n => n is not null && SnapshotIdPattern().IsMatch(n)).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>A new snapshot id for a backup started at <paramref name="at"/>.</summary>
    public static string NewSnapshotId(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));

    /// <summary>Whether <paramref name="id"/> has the form of a snapshot id.</summary>
    public static bool IsSnapshotId(string id) => SnapshotIdPattern().IsMatch(id);

    /// <summary>Reads, authenticates and parses a snapshot's index; throws <see cref="BackupException"/> saying what is wrong.</summary>
    public SnapshotIndex ReadIndex(string id)
    {
        if (!IsSnapshotId(id))
        {
            throw new BackupException($"'{id}' is not a snapshot id (they look like 20260101T030000Z-1a2b3c4d; 'outpost server backups' lists them)");
        }

        var path = Path.Combine(Snapshots, id);
        if (!File.Exists(path))
        {
            throw new BackupException($"there is no snapshot {id} in {Root}");
        }

        if (new FileInfo(path).Length > MaxIndexBytes)
        {
            throw new BackupException($"snapshot {id}'s index is larger than {MaxIndexBytes} bytes; refusing to read it");
        }

        var json = Keys.OpenIndex(id, File.ReadAllBytes(path));
        SnapshotIndex? index;
        try
        {
            index = JsonSerializer.Deserialize(json, SnapshotJsonContext.Default.SnapshotIndex);
        }
        catch (JsonException e)
        {
            throw new BackupException($"snapshot {id}'s index cannot be read: {e.Message}");
        }

        if (index is null || index.FormatVersion != SnapshotIndex.CurrentFormat || index.Id != id)
        {
            throw new BackupException($"snapshot {id}'s index has format {index?.FormatVersion} or names another snapshot; this Outpost reads format {SnapshotIndex.CurrentFormat}");
        }

        return index;
    }

    /// <summary>
    /// Makes the snapshot exist: flushes every chunk to disk, then writes its index by rename. Written last, so a
    /// backup interrupted before this leaves only chunks no snapshot refers to.
    /// </summary>
    internal void WriteIndex(SnapshotIndex index)
    {
        SyncFileSystem(Root);
        WriteAtomically(Root, Path.Combine(Snapshots, index.Id), Keys.SealIndex(index.Id, JsonSerializer.SerializeToUtf8Bytes(index, SnapshotJsonContext.Default.SnapshotIndex)));
    }

    internal void DeleteSnapshot(string id) => File.Delete(Path.Combine(Snapshots, id));

    internal bool HasChunk(string name) => File.Exists(ChunkPath(name));

    internal void WriteChunk(string name, ReadOnlySpan<byte> plaintext)
    {
        var path = ChunkPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!, PrivateDirectory);
        WriteFile(Temp, path, Keys.SealChunk(name, plaintext), sync: false);
    }

    /// <summary>Reads and verifies a chunk, which must hold exactly <paramref name="length"/> bytes.</summary>
    public byte[] ReadChunk(string name, int length)
    {
        if (!IsChunkName(name))
        {
            throw new BackupException($"'{name}' is not a chunk name");
        }

        var path = ChunkPath(name);
        if (!File.Exists(path))
        {
            throw new BackupException($"chunk {name} is missing from {Root}");
        }

        var size = new FileInfo(path).Length;
        if (size != length + RepositoryKeys.Overhead)
        {
            throw new BackupException($"chunk {name} is {size} bytes long, not {length + RepositoryKeys.Overhead}: it is truncated or was modified");
        }

        return Keys.OpenChunk(name, File.ReadAllBytes(path));
    }

    /// <summary>All chunk names present.</summary>
    internal IEnumerable<string> ChunkNames() =>
        Directory.EnumerateDirectories(Chunks).SelectMany(Directory.EnumerateFiles).Select(p => Path.GetFileName(p)!).Where(IsChunkName);

    /// <summary>Deletes every chunk not in <paramref name="referenced"/>; returns how many and their bytes.</summary>
    internal (int Chunks, long Bytes) Prune(IReadOnlySet<string> referenced)
    {
        var removed = 0;
        long bytes = 0;
        foreach (var name in ChunkNames().ToList())
        {
            if (!referenced.Contains(name))
            {
                var path = ChunkPath(name);
                bytes += new FileInfo(path).Length;
                File.Delete(path);
                removed++;
            }
        }

        return (removed, bytes);
    }

    /// <summary>
    /// Checks the chunks no snapshot names (left by an interrupted backup, which the next backup would reuse by name)
    /// and deletes those that do not open: after a power cut, a chunk renamed into place may have lost its content.
    /// Returns how many were deleted.
    /// </summary>
    internal int RemoveDamagedOrphans(IReadOnlySet<string> referenced)
    {
        var removed = 0;
        foreach (var name in ChunkNames().Where(n => !referenced.Contains(n)).ToList())
        {
            var path = ChunkPath(name);
            try
            {
                if (new FileInfo(path).Length <= ChunkSize + RepositoryKeys.Overhead)
                {
                    Keys.OpenChunk(name, File.ReadAllBytes(path));
                    continue;
                }
            }
            catch (BackupException)
            {
                // Damaged: deleted below.
            }

            File.Delete(path);
            removed++;
        }

        return removed;
    }

    public void Dispose() => _lock?.Dispose();

    /// <summary>Whether <paramref name="name"/> has the form of a chunk name (64 lowercase hex digits).</summary>
    public static bool IsChunkName(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);

    private string ChunkPath(string name) => Path.Combine(Chunks, name[..2], name);

    private void RemoveTemporaryFiles()
    {
        foreach (var file in Directory.EnumerateFiles(Temp))
        {
            File.Delete(file);
        }
    }

    private static List<RepositoryKeyFile> ReadKeyFiles(string root)
    {
        var dir = Path.Combine(root, "keys");
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var files = new List<RepositoryKeyFile>();
        foreach (var path in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(path).Length > 64 * 1024)
            {
                throw new BackupException($"{path} is not a repository key file (too large)");
            }

            try
            {
                files.Add(JsonSerializer.Deserialize(File.ReadAllBytes(path), SnapshotJsonContext.Default.RepositoryKeyFile)
                    ?? throw new BackupException($"{path} is empty"));
            }
            catch (JsonException e)
            {
                throw new BackupException($"{path} is damaged: {e.Message}");
            }
        }

        return files;
    }

    private static FileStream Lock(string root, bool exclusive)
    {
        try
        {
            // FileShare.None takes flock(LOCK_EX), anything else LOCK_SH; the kernel drops it if the process dies.
            var path = Path.Combine(root, "lock");
            return exclusive
                ? new FileStream(path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = PrivateFile })
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new BackupException($"{root} has no lock file: it is not a complete Outpost backup repository");
        }
        catch (IOException)
        {
            throw new BackupException(exclusive
                ? $"another backup or restore is using {root}; try again when it has finished"
                : $"a backup is writing to {root} right now; try again when it has finished");
        }
    }

    private static void WriteAtomically(string root, string path, byte[] data) => WriteFile(Path.Combine(root, "tmp"), path, data, sync: true);

    private static void WriteFile(string tempDir, string path, ReadOnlySpan<byte> data, bool sync)
    {
        Directory.CreateDirectory(tempDir, PrivateDirectory);
        var temp = Path.Combine(tempDir, Guid.NewGuid().ToString("N"));
        using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile }))
        {
            file.Write(data);
            if (sync)
            {
                file.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, path, overwrite: true);
        if (sync)
        {
            SyncFileSystem(Path.GetDirectoryName(path)!);
        }
    }

    private static void SyncFileSystem(string directory) => StagedDirectory.SyncDirectory(directory, wholeFileSystem: true);

    [GeneratedRegex(@"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")]
    private static partial Regex SnapshotIdPattern();
}
