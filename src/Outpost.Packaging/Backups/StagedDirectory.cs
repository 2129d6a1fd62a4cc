using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// The crash-safe way to create a directory tree: fill "&lt;target&gt;.partial-&lt;random&gt;" next to the target
/// (same filesystem), flush it to disk, then rename(2) it to the target, which is atomic. Whatever happens before the
/// rename (an exception, cancellation, kill -9, power loss), the target either does not exist or is complete.
/// Disposing without <see cref="CommitAsync"/> deletes the partial directory; after a kill -9 it stays behind,
/// invisible to anything that looks for the target, until <see cref="RemoveLeftovers"/> removes it.
/// </summary>
public sealed partial class StagedDirectory : IDisposable
{
    private const string PartialMarker = ".partial-";
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const int ODirectory = 0x10000;
    private const int OCloexec = 0x80000;

    private readonly string _target;
    private bool _committed;

    private StagedDirectory(string target, string path)
    {
        _target = target;
        Path = path;
    }

    /// <summary>The partial directory to fill.</summary>
    public string Path { get; }

    /// <summary>Creates an empty, private partial directory for <paramref name="target"/>, which must not exist.</summary>
    public static StagedDirectory Create(string target)
    {
        var parent = System.IO.Path.GetDirectoryName(target)
            ?? throw new ArgumentException("The target cannot be the filesystem root.", nameof(target));
        Directory.CreateDirectory(parent);
        var path = target + PartialMarker + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        Directory.CreateDirectory(path, PrivateDirectory);
        return new StagedDirectory(target, path);
    }

    /// <summary>Whether <paramref name="path"/> exists as anything, a dangling symlink included.</summary>
    public static bool Exists(string path) =>
        File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>
    /// Flushes the partial directory's filesystem, renames it to the target and flushes the parent directory, so the
    /// rename itself survives a power loss. Refuses if the target appeared meanwhile.
    /// </summary>
    public Task CommitAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // One syncfs instead of an fsync per file: a grain can hold hundreds of thousands of small files.
        SyncDirectory(Path, wholeFileSystem: true);
        if (Exists(_target))
        {
            throw new BackupException($"'{_target}' appeared while the backup was being restored; nothing was changed");
        }

        Directory.Move(Path, _target);
        _committed = true;
        SyncDirectory(System.IO.Path.GetDirectoryName(_target)!, wholeFileSystem: false);
        return Task.CompletedTask;
    }

    /// <summary>Deletes the partial directory unless it was committed.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            DeleteQuietly(Path);
        }
    }

    /// <summary>Removes partial directories that a killed process left next to <paramref name="target"/>. Returns how many.</summary>
    public static int RemoveLeftovers(string target)
    {
        var parent = System.IO.Path.GetDirectoryName(target);
        if (parent is null || !Directory.Exists(parent))
        {
            return 0;
        }

        var removed = 0;
        var prefix = System.IO.Path.GetFileName(target) + PartialMarker;
        foreach (var leftover in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            // Only names this class makes: the marker followed by exactly 16 hex digits.
            var suffix = System.IO.Path.GetFileName(leftover)[prefix.Length..];
            if (suffix.Length == 16 && suffix.All(char.IsAsciiHexDigitLower) && new DirectoryInfo(leftover).LinkTarget is null)
            {
                DeleteQuietly(leftover);
                removed++;
            }
        }

        return removed;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            // Recursive delete removes symlinks themselves and never follows them.
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more; RemoveLeftovers retries later.
        }
    }

    /// <summary>Flushes the directory <paramref name="path"/> to disk: its whole filesystem (syncfs) or the directory alone (fsync).</summary>
    public static void SyncDirectory(string path, bool wholeFileSystem)
    {
        var fd = Open(path, ODirectory | OCloexec);
        if (fd < 0)
        {
            throw new IOException($"cannot open '{path}' to flush it to disk (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if ((wholeFileSystem ? SyncFs(fd) : FSync(fd)) != 0)
            {
                throw new IOException($"flushing '{path}' to disk failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
