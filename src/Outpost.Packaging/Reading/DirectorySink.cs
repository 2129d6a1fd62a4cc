namespace Outpost.Packaging;

/// <summary>
/// Writes accepted entries under a private staging directory: manifest.json and the tree under
/// <paramref name="rootDirectory"/> (root/ for packages). Files are created with O_CREAT|O_EXCL, so even a bug
/// elsewhere could not make extraction write through an existing link.
/// </summary>
internal sealed class DirectorySink(string stagingDirectory, string rootDirectory) : IPackageSink
{
    private readonly byte[] _buffer = new byte[81920];

    /// <summary>A sink for a package: the tree goes to root/ inside the staging directory.</summary>
    public DirectorySink(string stagingDirectory)
        : this(stagingDirectory, Path.Combine(stagingDirectory, EntryRules.RootEntry))
    {
    }

    public string RootDirectory { get; } = rootDirectory;

    public async Task WriteManifestAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        await using var stream = Create(Path.Combine(stagingDirectory, EntryRules.ManifestEntry), (UnixFileMode)0x1A4);
        await stream.WriteAsync(json, ct);
    }

    public Task CreateDirectoryAsync(string path, UnixFileMode mode, CancellationToken ct)
    {
        var hostPath = HostPath(path);
        Directory.CreateDirectory(hostPath);
        // Set explicitly: the creation mode is filtered by the process umask.
        File.SetUnixFileMode(hostPath, mode);
        return Task.CompletedTask;
    }

    public async Task WriteFileAsync(string path, UnixFileMode mode, long size, TarEntryReader data, CancellationToken ct)
    {
        await using var stream = Create(HostPath(path), mode);
        int read;
        while ((read = await data.ReadDataAsync(_buffer, ct)) > 0)
        {
            await stream.WriteAsync(_buffer.AsMemory(0, read), ct);
        }

        File.SetUnixFileMode(stream.SafeFileHandle, mode);
    }

    public Task CreateSymlinkAsync(string path, string target, CancellationToken ct)
    {
        File.CreateSymbolicLink(HostPath(path), target);
        return Task.CompletedTask;
    }

    /// <summary>The host path of a package path. Package paths are already validated: no "..", NUL or empty segment.</summary>
    public string HostPath(string packagePath) => packagePath == "/" ? RootDirectory : RootDirectory + packagePath;

    private static FileStream Create(string path, UnixFileMode mode) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
            BufferSize = 0,
        });
}
