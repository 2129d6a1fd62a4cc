using Outpost.Packaging;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// The sample apps, packed once per test run with a throwaway key (packing Node takes a few seconds). Tests that
/// need a different version or a broken package make their own from these folders.
/// </summary>
internal static class SamplePackages
{
    private static readonly Lazy<Task<Packed>> NotesPackage = new(() => PackAsync("notes"));

    public static Task<Packed> NotesAsync() => NotesPackage.Value;

    private static async Task<Packed> PackAsync(string app)
    {
        var dir = Directory.CreateTempSubdirectory("outpost-packages-").FullName;
        var key = SigningKey.Generate();
        var file = Path.Combine(dir, app + ".opk");
        var info = await PackageBuilder.PackAsync(RepoPaths.App(app), key, file);
        return new Packed(file, info, key);
    }

    public sealed record Packed(string File, PackageInfo Info, SigningKey Key);
}
