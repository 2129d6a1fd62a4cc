using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Outpost.SystemBench;

/// <summary>A real <c>outpost serve</c> process in a fresh data directory, with the notes app installed and one grain open.</summary>
internal sealed class Scenario : IAsyncDisposable
{
    private readonly Process _server;
    private readonly string _dataDir;

    private Scenario(Process server, string dataDir, int port, HttpClient api, string appId)
    {
        WasmAppId = "";
        _server = server;
        _dataDir = dataDir;
        Port = port;
        Api = api;
        AppId = appId;
    }

    public int Port { get; }

    public HttpClient Api { get; }

    public string AppId { get; }

    /// <summary>The WebAssembly probe app (apps/probe-wasm), installed by <see cref="InstallWasmProbeAsync"/>.</summary>
    public string WasmAppId { get; private set; }

    public int ServerPid => _server.Id;

    /// <summary>The server's data directory.</summary>
    public string DataDir => _dataDir;

    public static async Task<Scenario> StartAsync(BenchOptions options)
    {
        var dataDir = Directory.CreateTempSubdirectory("outpost-bench-").FullName;
        File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_001_001);
        var port = FreePort();
        var server = Process.Start(new ProcessStartInfo(options.OutpostBinary)
        {
            ArgumentList = { "serve", "--data", dataDir, "--listen", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["Logging__LogLevel__Default"] = "Warning" },
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("server: " + e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await WaitForHealthAsync(api);
        var token = await RunAsync(options.OutpostBinary, "admin-token", "--data", dataDir);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());

        using var content = new StreamContent(File.OpenRead(options.NotesPackage));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var installed = await api.PostAsync("api/apps", content);
        installed.EnsureSuccessStatusCode();
        var appId = (await installed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appId").GetString()!;
        return new Scenario(server, dataDir, port, api, appId);
    }

    public async Task InstallWasmProbeAsync(BenchOptions options)
    {
        using var content = new StreamContent(File.OpenRead(options.WasmProbePackage));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var installed = await Api.PostAsync("api/apps", content);
        installed.EnsureSuccessStatusCode();
        WasmAppId = (await installed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appId").GetString()!;
    }

    public async Task<string> NewGrainAsync(string? appId = null)
    {
        using var response = await Api.PostAsJsonAsync("api/grains", new { appId = appId ?? AppId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Opens a session and redeems its ticket; returns the session host and its cookie.</summary>
    public async Task<(string Host, string Cookie)> OpenSessionAsync(string grainId)
    {
        using var response = await Api.PostAsync($"api/grains/{grainId}/sessions", null);
        response.EnsureSuccessStatusCode();
        var url = new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        using var client = LoopbackClient(Port);
        using var redeem = await client.GetAsync(url);
        var cookie = redeem.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        return (url.Authority, cookie);
    }

    public async Task StopGrainAsync(string grainId) => (await Api.PostAsync($"api/grains/{grainId}/stop", null)).EnsureSuccessStatusCode();

    /// <summary>An HTTP client that sends every request to 127.0.0.1:port whatever the URL's host, as browsers do for *.localhost.</summary>
    public static HttpClient LoopbackClient(int port) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
    }

    // SIGTERM first: a graceful stop unmounts the grains' encrypted storage, which a kill would leave mounted (and
    // the data directory undeletable). One that does not stop within a minute is killed with what it started.
    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            await RunAsync("kill", "-TERM", _server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await _server.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
                await _server.WaitForExitAsync();
            }
        }

        Api.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static async Task WaitForHealthAsync(HttpClient api)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await api.GetAsync("healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("outpost serve did not become healthy within 60 s");
    }
}
