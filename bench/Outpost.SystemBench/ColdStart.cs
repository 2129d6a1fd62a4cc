using System.Diagnostics;
using System.Net.Sockets;

namespace Outpost.SystemBench;

/// <summary>
/// Time from the first request to a stopped grain until the first byte of its answer, against the same app started
/// bare (no sandbox, no bridge, no router) and polled until it answers.
/// </summary>
internal static class ColdStart
{
    public static async Task<double[]> MeasureOutpostAsync(Scenario scenario, int iterations)
    {
        var grainId = await scenario.NewGrainAsync();
        var (host, cookie) = await scenario.OpenSessionAsync(grainId);
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            await scenario.StopGrainAsync(grainId);
            using var client = Scenario.LoopbackClient(scenario.Port);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/");
            request.Headers.Add("Cookie", cookie);
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            samples[i] = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
        }

        return samples;
    }

    public static async Task<double[]> MeasureBareAsync(BenchOptions options, int iterations)
    {
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var data = Directory.CreateTempSubdirectory("outpost-bench-bare-").FullName;
            var port = Scenario.FreePort();
            using var client = Scenario.LoopbackClient(port);
            var clock = Stopwatch.StartNew();
            using var node = BareApp.Start(options, port, data);
            samples[i] = await FirstByteAsync(client, port, clock);
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
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
