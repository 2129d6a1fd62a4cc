namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>Finds files of the repository the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string App(string name) => Path.Combine(Root, "apps", name);

    /// <summary>Copies the app folder apps/<paramref name="name"/> to <paramref name="target"/>, for tests that change it.</summary>
    public static string CopyApp(string name, string target)
    {
        foreach (var file in Directory.EnumerateFiles(App(name), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(App(name), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Outpost.slnx) above " + AppContext.BaseDirectory);
    }
}
