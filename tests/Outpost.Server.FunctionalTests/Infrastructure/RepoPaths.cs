namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>Finds files of the repository the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string App(string name) => Path.Combine(Root, "apps", name);

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
