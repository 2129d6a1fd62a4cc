namespace Outpost.Packaging;

/// <summary>How <see cref="PackageBuilder"/> fetches what a recipe names from outside the app folder.</summary>
public sealed record PackSettings
{
    /// <summary>
    /// Where npm installs are kept between builds, one directory per package, version and lock file. Default
    /// <c>$OUTPOST_NPM_CACHE</c>, else <c>$XDG_CACHE_HOME/outpost/npm</c>, else <c>~/.cache/outpost/npm</c>.
    /// </summary>
    public string NpmCacheDir { get; init; } = DefaultNpmCacheDir();

    /// <summary>The npm program. Default <c>npm</c> from PATH.</summary>
    public string NpmPath { get; init; } = "npm";

    /// <summary>How long one npm install may take before packing gives up. Default 10 minutes.</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Replaces the manifest's <c>version</c> in the package when set. <c>outpost dev</c> uses it so every rebuild of
    /// the same folder installs as an update; published packages should carry the recipe's own version.
    /// </summary>
    public int? Version { get; init; }

    /// <summary>Receives one line for each slow step (an npm install), for showing progress. Default: nothing.</summary>
    public Action<string> Progress { get; init; } = _ => { };

    private static string DefaultNpmCacheDir()
    {
        if (Environment.GetEnvironmentVariable("OUTPOST_NPM_CACHE") is { Length: > 0 } configured)
        {
            return configured;
        }

        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "outpost", "npm");
    }
}
