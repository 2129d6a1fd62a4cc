using Outpost.Packaging;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// The real apps of apps/ (TiddlyWiki and Node-RED from the npm registry), packed once per test run from their recipes.
/// npm installs are kept in artifacts/npm between runs, so only the first run on a machine downloads anything.
/// </summary>
internal static class RealAppPackages
{
    private static readonly Lazy<Task<SamplePackages.Packed>> TiddlyWikiPackage = new(() => PackAsync("tiddlywiki"));
    private static readonly Lazy<Task<SamplePackages.Packed>> NodeRedPackage = new(() => PackAsync("node-red"));

    /// <summary>Where the tests, scripts/pack-real-apps and the benchmarks keep npm installs.</summary>
    public static string NpmCacheDir => Path.Combine(RepoPaths.Root, "artifacts", "npm");

    public static Task<SamplePackages.Packed> TiddlyWikiAsync() => TiddlyWikiPackage.Value;

    public static Task<SamplePackages.Packed> NodeRedAsync() => NodeRedPackage.Value;

    private static async Task<SamplePackages.Packed> PackAsync(string app)
    {
        var dir = Directory.CreateTempSubdirectory("outpost-real-apps-").FullName;
        var key = SigningKey.Generate();
        var file = Path.Combine(dir, app + ".opk");
        var info = await PackageBuilder.PackAsync(RepoPaths.App(app), key, file, new PackSettings { NpmCacheDir = NpmCacheDir });
        return new SamplePackages.Packed(file, info, key);
    }
}
