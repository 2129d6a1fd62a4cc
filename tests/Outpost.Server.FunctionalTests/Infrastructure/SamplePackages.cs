using System.Text.Json;
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

    /// <summary>
    /// Packs the notes app again as <paramref name="version"/>, signed by <paramref name="key"/> (default: the sample's
    /// own key), with <paramref name="edit"/> applied to its manifest.
    /// </summary>
    public static Task<string> RepackNotesAsync(
        Packed original, string workDir, int version, SigningKey? key = null, Action<Dictionary<string, JsonElement>>? edit = null) =>
        RepackAsync("notes", original, workDir, version, key, edit);

    /// <summary>Packs the sample <paramref name="app"/> again as <paramref name="version"/>, like <see cref="RepackNotesAsync"/>.</summary>
    public static async Task<string> RepackAsync(
        string app, Packed original, string workDir, int version, SigningKey? key = null, Action<Dictionary<string, JsonElement>>? edit = null)
    {
        var source = Path.Combine(workDir, $"src-{version}-{Guid.NewGuid():n}");
        CopyDirectory(RepoPaths.App(app), source);
        var manifestPath = Path.Combine(source, "outpost.json");
        var manifest = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(
            await File.ReadAllTextAsync(manifestPath), new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip })!;
        manifest["version"] = JsonSerializer.SerializeToElement(version);
        manifest["marketingVersion"] = JsonSerializer.SerializeToElement($"{version}.0.0");
        edit?.Invoke(manifest);
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(manifest));
        var output = Path.Combine(workDir, $"{app}-v{version}-{Guid.NewGuid():n}.opk");
        await PackageBuilder.PackAsync(source, key ?? original.Key, output);
        return output;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public sealed record Packed(string File, PackageInfo Info, SigningKey Key);
}
