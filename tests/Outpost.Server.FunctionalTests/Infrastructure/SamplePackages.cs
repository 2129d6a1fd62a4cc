using Outpost.Packaging;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// The sample apps, packed once per test run with a throwaway key (packing Node takes a few seconds). Tests that
/// need a different version or a broken package make their own from these folders.
/// </summary>
internal static class SamplePackages
{
    private static readonly Lazy<Task<Packed>> NotesPackage = new(() => PackAsync("notes"));
    private static readonly Lazy<Task<Packed>> GuestbookPackage = new(() => PackAsync("guestbook-wasm"));
    private static readonly Lazy<Task<Packed>> ProbePackage = new(() => PackAsync("probe-wasm"));

    public static Task<Packed> NotesAsync() => NotesPackage.Value;

    /// <summary>The WebAssembly guestbook; its module is compiled from C by the app's build.sh first.</summary>
    public static Task<Packed> GuestbookAsync() => GuestbookPackage.Value;

    /// <summary>The WebAssembly probe (one behaviour per path, see docs/wasm-apps.md).</summary>
    public static Task<Packed> ProbeAsync() => ProbePackage.Value;

    private static async Task<Packed> PackAsync(string app)
    {
        var build = Path.Combine(RepoPaths.App(app), "build.sh");
        if (File.Exists(build))
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [build]) { RedirectStandardError = true })!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"{build} failed: {error}");
        }

        var dir = Directory.CreateTempSubdirectory("outpost-packages-").FullName;
        var key = SigningKey.Generate();
        var file = Path.Combine(dir, app + ".opk");
        var info = await PackageBuilder.PackAsync(RepoPaths.App(app), key, file);
        return new Packed(file, info, key);
    }

    public sealed record Packed(string File, PackageInfo Info, SigningKey Key);
}
