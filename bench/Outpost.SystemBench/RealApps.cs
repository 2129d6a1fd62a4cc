using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outpost.SystemBench;

/// <summary>
/// The real apps packed from their recipes (scripts/pack-real-apps): package size, install time and disk use, and a
/// grain's cold start through Outpost against the same app started bare with the host's node, in the same run.
/// </summary>
internal static class RealApps
{
    /// <summary>Figures for one real app.</summary>
    public sealed record Result(string Name, long PackageBytes, double InstallMs, long InstalledBytes, double[] ColdStartMs, double[] BareMs);

    public static async Task<Result> MeasureAsync(Scenario scenario, BenchOptions options, string app)
    {
        var package = Path.Combine(options.RepoRoot, "artifacts", "apps", app + ".opk");
        if (!File.Exists(package))
        {
            throw new FileNotFoundException($"{package} is missing: run scripts/pack-real-apps first");
        }

        using var content = new StreamContent(File.OpenRead(package));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var clock = Stopwatch.StartNew();
        using var installed = await scenario.Api.PostAsync("api/apps", content);
        var installMs = clock.Elapsed.TotalMilliseconds;
        installed.EnsureSuccessStatusCode();
        var appId = (await installed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appId").GetString()!;

        var cold = await ColdStart.MeasureOutpostAsync(scenario, options.Iterations, appId, warmUp: true);
        var bare = await ColdStart.MeasureBareAsync((port, data) => StartBare(options, app, port, data), options.Iterations, keepData: true);
        return new Result(app, new FileInfo(package).Length, installMs, DiskUse(Path.Combine(scenario.DataDir, "apps", appId)), cold, bare);
    }

    // The same files the package holds, run by the host's node outside any sandbox: the app from the npm cache the
    // recipe was packed from, the recipe's own launcher or settings, and a data directory in place of /var.
    private static Process StartBare(BenchOptions options, string app, int port, string dataDir)
    {
        var npm = Directory.GetDirectories(Path.Combine(options.RepoRoot, "artifacts", "npm"), app + "@*").Single();
        var start = new ProcessStartInfo("/usr/bin/node") { RedirectStandardOutput = true, RedirectStandardError = true };
        switch (app)
        {
            case "tiddlywiki":
                start.ArgumentList.Add(Path.Combine(options.RepoRoot, "apps", app, "launch.js"));
                start.Environment["TIDDLYWIKI_DIR"] = Path.Combine(npm, "node_modules", "tiddlywiki");
                break;
            case "node-red":
                start.ArgumentList.Add(Path.Combine(npm, "node_modules", "node-red", "red.js"));
                start.ArgumentList.Add("--settings");
                start.ArgumentList.Add(Path.Combine(options.RepoRoot, "apps", app, "settings.js"));
                break;
            default:
                throw new ArgumentException($"no bare start known for {app}");
        }

        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["DATA_DIR"] = dataDir;
        start.Environment["NODE_ENV"] = "production";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Bytes of the files as unpacked (symlinks counted as links), i.e. what the install adds to the data directory.
    private static long DiskUse(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => f.LinkTarget is null)
            .Sum(f => f.Length);
}
