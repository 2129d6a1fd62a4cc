using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Outpost.SystemBench;

/// <summary>Warm throughput and latency with wrk on loopback: through Outpost's session host, and straight to the app.</summary>
internal static partial class Throughput
{
    private const string Path = "/api/notes";

    public static async Task<WrkResult> MeasureOutpostAsync(Scenario scenario, BenchOptions options)
    {
        var grainId = await scenario.NewGrainAsync();
        var (host, cookie) = await scenario.OpenSessionAsync(grainId);
        return await WrkAsync(options, $"http://127.0.0.1:{scenario.Port}{Path}", "-H", $"Host: {host}", "-H", $"Cookie: {cookie}");
    }

    /// <summary>A WebAssembly grain (the probe's /hello: a fresh instance per request) through the same session host.</summary>
    public static async Task<WrkResult> MeasureWasmAsync(Scenario scenario, BenchOptions options)
    {
        await scenario.InstallWasmProbeAsync(options);
        var grainId = await scenario.NewGrainAsync(scenario.WasmAppId);
        var (host, cookie) = await scenario.OpenSessionAsync(grainId);
        return await WrkAsync(options, $"http://127.0.0.1:{scenario.Port}/hello", "-H", $"Host: {host}", "-H", $"Cookie: {cookie}");
    }

    public static async Task<WrkResult> MeasureBareAsync(BenchOptions options)
    {
        var data = Directory.CreateTempSubdirectory("outpost-bench-bare-").FullName;
        var port = Scenario.FreePort();
        using var node = BareApp.Start(options, port, data);
        using var client = Scenario.LoopbackClient(port);
        for (var ready = false; !ready;)
        {
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{port}/");
                ready = true;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(10);
            }
        }

        try
        {
            return await WrkAsync(options, $"http://127.0.0.1:{port}{Path}");
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<WrkResult> WrkAsync(BenchOptions options, string url, params string[] headers)
    {
        // A short warm-up so JIT and connection pools are settled before the measured run.
        await RunWrkAsync(["-t2", "-c8", "-d2s", .. headers, url]);
        var output = await RunWrkAsync(["-t2", $"-c{options.Connections}", $"-d{options.Seconds}s", "--latency", .. headers, url]);
        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Latency(output, "50%"),
            Latency(output, "99%"),
            NonSuccess().Match(output) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static async Task<string> RunWrkAsync(string[] args)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return output;
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}

/// <summary>One wrk run: requests per second, p50 and p99 latency in ms, and how many answers were errors.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, int Errors);
