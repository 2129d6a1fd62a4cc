using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// What one server snapshot holds: every file of the data directory it copied, each as a list of chunk names, and
/// which grains it covers. Stored encrypted and authenticated in <c>snapshots/&lt;id&gt;</c>; a snapshot exists
/// only once its index does.
/// </summary>
public sealed class SnapshotIndex
{
    /// <summary>The index format this code writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Format of this index; readers refuse other values.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The snapshot id, also its file name (bound to the encryption, so a renamed index does not open).</summary>
    public required string Id { get; init; }

    /// <summary>When the backup started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The Outpost version that wrote it.</summary>
    public required string ServerVersion { get; init; }

    /// <summary>The master key the grain keys in the snapshot's database are wrapped under.</summary>
    public required string MasterKeyId { get; init; }

    /// <summary>The grains whose storage the snapshot holds.</summary>
    public required List<SnapshotGrain> Grains { get; init; }

    /// <summary>Every directory, file and symlink, parents before children, paths relative to the data directory.</summary>
    public required List<SnapshotEntry> Entries { get; init; }

    /// <summary>Sum of the file sizes.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Bytes of chunks this snapshot added to the repository (what the backup actually stored).</summary>
    public long NewBytes { get; init; }

    /// <summary>What was left out, one line each (a grain deleted while the backup ran, a socket).</summary>
    public List<string> Skipped { get; init; } = [];
}

/// <summary>A grain in a snapshot.</summary>
/// <param name="Id">The grain id.</param>
/// <param name="Title">Its title when the snapshot was taken.</param>
public sealed record SnapshotGrain(string Id, string Title);

/// <summary>One directory, regular file or symlink in a snapshot.</summary>
public sealed record SnapshotEntry
{
    /// <summary>Relative path, '/'-separated.</summary>
    public required string Path { get; init; }

    /// <summary>What it is.</summary>
    public required SnapshotEntryKind Kind { get; init; }

    /// <summary>Permission bits (and the sticky bit).</summary>
    public int Mode { get; init; }

    /// <summary>Owner, restored when the restore runs as root.</summary>
    public int Uid { get; init; }

    /// <summary>Group, restored when the restore runs as root.</summary>
    public int Gid { get; init; }

    /// <summary>File size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Modification time, in nanoseconds since the Unix epoch.</summary>
    public long MTime { get; init; }

    /// <summary>Change time (ns) and inode when backed up: with size and mtime, they tell an unchanged file without reading it.</summary>
    public long CTime { get; init; }

    /// <summary>The inode number when backed up.</summary>
    public ulong Inode { get; init; }

    /// <summary>A file's chunk names, in order; each holds <see cref="BackupRepository.ChunkSize"/> bytes, the last one the rest.</summary>
    public List<string>? Chunks { get; init; }

    /// <summary>A symlink's target.</summary>
    public string? Target { get; init; }
}

/// <summary>Kinds of entries.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SnapshotEntryKind>))]
public enum SnapshotEntryKind
{
    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A symbolic link.</summary>
    Symlink,
}

/// <summary>The repository's key file for one master key: <c>keys/&lt;master key id&gt;.json</c>.</summary>
public sealed class RepositoryKeyFile
{
    /// <summary>Id of the master key that wraps <see cref="WrappedKey"/>.</summary>
    public required string MasterKeyId { get; init; }

    /// <summary>When the master key is derived from a passphrase: its Argon2id salt (not secret), so a restore can derive it.</summary>
    public byte[]? PassphraseSalt { get; init; }

    /// <summary>The repository key, wrapped under the master key.</summary>
    public required byte[] WrappedKey { get; init; }

    /// <summary>A check value of the repository key: equal values mean the same repository key.</summary>
    public required string KeyCheck { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SnapshotIndex))]
[JsonSerializable(typeof(RepositoryKeyFile))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
