namespace Outpost.Server.Hosting;

/// <summary>Creates the data directory layout with permissions that let sandbox users reach only what is theirs.</summary>
internal static class DataDirectory
{
    // Sandboxes run as other (unprivileged) users who must traverse the data dir to reach their package and
    // storage, but must not list it or read the database: "search only" (0711) on the directories on the way.
    private const UnixFileMode TraverseOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates the layout (idempotent) and checks that sandbox users can reach it. Only the server passes
    /// <paramref name="cleanTemp"/>: a tool running beside it must not delete an upload in progress.
    /// </summary>
    public static void Prepare(DataPaths paths, bool cleanTemp)
    {
        Directory.CreateDirectory(paths.Root);
        File.SetUnixFileMode(paths.Root, TraverseOnly);
        foreach (var dir in new[] { paths.Apps, paths.Grains, paths.Run })
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, TraverseOnly);
        }

        Directory.CreateDirectory(paths.Temp);
        File.SetUnixFileMode(paths.Temp, Private);
        if (cleanTemp)
        {
            CleanTemp(paths);
        }
        if (Environment.IsPrivilegedProcess)
        {
            CheckReachableByOthers(paths.Root);
        }
    }

    /// <summary>Creates a directory only the server's user can read.</summary>
    public static void CreatePrivate(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, Private);
    }

    /// <summary>Creates a directory sandbox users may pass through but not list.</summary>
    public static void CreateTraversable(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, TraverseOnly);
    }

    // Leftovers from an interrupted upload or install: never referenced, safe to delete at start.
    private static void CleanTemp(DataPaths paths)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(paths.Temp))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    private static void CheckReachableByOthers(string root)
    {
        for (var dir = Path.GetDirectoryName(root); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                throw new InvalidOperationException(
                    $"The data directory {root} is inside {dir}, which other users cannot enter (mode {Convert.ToString((int)mode, 8)}). " +
                    $"Grains run as their own unprivileged users and must reach their files: choose a data directory elsewhere (e.g. --data /var/lib/outpost) or run 'chmod o+x {dir}'.");
            }
        }
    }
}
