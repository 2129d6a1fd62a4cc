namespace Outpost.Server.Hosting;

/// <summary>
/// An exclusive lock on the data directory, held by the running server: tools that rewrite keys (<c>outpost key
/// rotate</c>) must not run beside a server that has the old keys in memory.
/// </summary>
public sealed class ServerLock : IDisposable
{
    private readonly FileStream _file;

    private ServerLock(FileStream file) => _file = file;

    /// <summary>Takes the lock; throws <see cref="DataDirectoryInUseException"/> (its message ending with <paramref name="what"/>) when another process holds it.</summary>
    public static ServerLock Acquire(DataPaths paths, string what)
    {
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux, released by the kernel if the holder dies.
            return new ServerLock(new FileStream(paths.ServerLock, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }));
        }
        catch (IOException)
        {
            throw new DataDirectoryInUseException($"Another Outpost process (a server, or a key rotation) is using {paths.Root}. {what}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}

/// <summary>Another server or key rotation holds the data directory; the message says what to do.</summary>
public sealed class DataDirectoryInUseException(string message) : Exception(message);
