using System.Diagnostics;
using System.Net.Sockets;

namespace Outpost.SystemBench;

/// <summary>
/// Time from the first request to a stopped grain until the first byte of its answer, against the same app started
/// bare (no sandbox, no bridge, no router) and polled until it answers.
/// </summary>
internal static class ColdStart
{
    /// <param name="scenario">The running server.</param>
    /// <param name="iterations">Samples to take.</param>
    /// <param name="appId">The app to measure; default the notes app.</param>
    /// <param name="warmUp">Start the grain once before measuring, so first-start work (creating a wiki) is not counted.</param>
    public static async Task<double[]> MeasureOutpostAsync(Scenario scenario, int iterations, string? appId = null, bool warmUp = false)
    {
        var grainId = await scenario.NewGrainAsync(appId);
        var (host, cookie) = await scenario.OpenSessionAsync(grainId);
        var samples = new double[iterations];
        for (var i = warmUp ? -1 : 0; i < iterations; i++)
        {
            await scenario.StopGrainAsync(grainId);
            using var client = Scenario.LoopbackClient(scenario.Port);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/");
            request.Headers.Add("Cookie", cookie);
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                samples[i] = clock.Elapsed.TotalMilliseconds;
            }
        }

        return samples;
    }

    public static Task<double[]> MeasureBareAsync(BenchOptions options, int iterations) =>
        MeasureBareAsync((port, data) => BareApp.Start(options, port, data), iterations, keepData: false);

    /// <summary>
    /// Starts the app bare <paramref name="iterations"/> times. With <paramref name="keepData"/> every start reuses one
    /// data directory made by an uncounted first start, as a grain's restart does.
    /// </summary>
    public static async Task<double[]> MeasureBareAsync(Func<int, string, Process> start, int iterations, bool keepData)
    {
        var samples = new double[iterations];
        var shared = keepData ? Directory.CreateTempSubdirectory("outpost-bench-bare-").FullName : null;
        for (var i = keepData ? -1 : 0; i < iterations; i++)
        {
            var data = shared ?? Directory.CreateTempSubdirectory("outpost-bench-bare-").FullName;
            var port = Scenario.FreePort();
            using var client = Scenario.LoopbackClient(port);
            var clock = Stopwatch.StartNew();
            using var node = start(port, data);
            var elapsed = await FirstByteAsync(client, port, clock);
            if (i >= 0)
            {
                samples[i] = elapsed;
            }

            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            if (shared is null)
            {
                Directory.Delete(data, recursive: true);
            }
        }

        if (shared is not null)
        {
            Directory.Delete(shared, recursive: true);
        }

        return samples;
    }

    private static async Task<double> FirstByteAsync(HttpClient client, int port, Stopwatch clock)
    {
        // Poll with plain connects, as the bridge's readiness probe does, so both sides wait for the port the same way.
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                continue;
            }

            using var response = await client.GetAsync($"http://127.0.0.1:{port}/", HttpCompletionOption.ResponseHeadersRead);
            return clock.Elapsed.TotalMilliseconds;
        }

        throw new TimeoutException("the bare app did not answer within 30 s");
    }
}

/// <summary>The sample app run directly with the host's node, outside any sandbox: the baseline.</summary>
internal static class BareApp
{
    public static Process Start(BenchOptions options, int port, string dataDir) => Process.Start(new ProcessStartInfo("/usr/bin/node")
    {
        ArgumentList = { Path.Combine(options.NotesSource, "server.js") },
        Environment = { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["DATA_DIR"] = dataDir, ["NODE_ENV"] = "production" },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    })!;
}
