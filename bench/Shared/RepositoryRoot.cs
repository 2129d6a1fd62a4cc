namespace Outpost.Bench;

/// <summary>Finds the Outpost checkout a benchmark runs from, for the apps and artifacts it measures.</summary>
internal static class RepositoryRoot
{
    /// <summary>
    /// The folder holding Outpost.slnx above the benchmark's binaries, or else above the current directory (a
    /// benchmark may be run from an installed copy inside the checkout).
    /// </summary>
    public static string Find() =>
        Above(AppContext.BaseDirectory) ?? Above(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException("Cannot find the Outpost repository (Outpost.slnx) above "
            + AppContext.BaseDirectory + " or " + Environment.CurrentDirectory + "; run the benchmark from inside it.");

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
