namespace Outpost.Sandboxing.FunctionalTests.Infrastructure;

/// <summary>Temporary host directories for a test run, reachable by the sandboxes' unprivileged host uids.</summary>
internal static class TestDirectories
{
    private static readonly Lazy<string> Root = new(() =>
    {
        // Short: unix socket paths (in the runtime directory) are limited to 107 bytes.
        var root = Path.Combine(Path.GetTempPath(), "outpost-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);

        // A grain's host uid must be able to traverse to its storage and read its package, as in a
        // real installation; CreateTempSubdirectory's 0700 would hide them.
        // Only the shared parent itself: walking it would enter other runs' directories, and the live FUSE mounts
        // of their encrypted-storage tests, whose gocryptfs a concurrent chmod walk can leave hanging.
        File.SetUnixFileMode(Path.GetDirectoryName(root)!, WorldReadableDirectory);
        MakeWorldReadable(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    /// <summary>This run's root directory.</summary>
    public static string RunRoot => Root.Value;

    /// <summary>A new empty directory for one test.</summary>
    public static string NewTestDirectory()
    {
        var path = Path.Combine(RunRoot, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        MakeWorldReadable(path);
        return path;
    }

    private const UnixFileMode WorldReadableDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static void MakeWorldReadable(string path)
    {
        File.SetUnixFileMode(path, WorldReadableDirectory);
        if (!Directory.Exists(path))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
        {
            var mode = File.GetUnixFileMode(entry);
            File.SetUnixFileMode(entry, mode | UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                | (Directory.Exists(entry) || mode.HasFlag(UnixFileMode.UserExecute) ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : 0));
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a test run's leftovers in /tmp are harmless.
        }
    }
}
