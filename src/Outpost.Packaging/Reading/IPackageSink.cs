namespace Outpost.Packaging;

/// <summary>
/// Receives the entries of a package as the reader accepts them, in archive order (parents first). The reader has
/// already checked each entry; a sink only stores it.
/// </summary>
internal interface IPackageSink
{
    Task WriteManifestAsync(ReadOnlyMemory<byte> json, CancellationToken ct);

    Task CreateDirectoryAsync(string path, UnixFileMode mode, CancellationToken ct);

    /// <summary>Stores a file whose <paramref name="size"/> bytes are read from <paramref name="data"/>.</summary>
    Task WriteFileAsync(string path, UnixFileMode mode, long size, TarEntryReader data, CancellationToken ct);

    Task CreateSymlinkAsync(string path, string target, CancellationToken ct);
}
