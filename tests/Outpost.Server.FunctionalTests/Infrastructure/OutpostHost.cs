using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Server.Apps;
using Outpost.Server.Auth;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// A real Outpost server for one test: real Kestrel on a free loopback port, real Orleans silo, real SQLite and
/// real sandboxes, in its own data directory.
/// </summary>
internal sealed class OutpostHost : IAsyncDisposable
{
    private readonly TempDir? _ownedData;
    private readonly WebApplication _app;

    private OutpostHost(TempDir? ownedData, WebApplication app, int port, string token)
    {
        _ownedData = ownedData;
        _app = app;
        Port = port;
        Token = token;
        BaseUrl = new Uri($"http://localhost:{port}/");
        Api = new HttpClient { BaseAddress = BaseUrl };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public int Port { get; }

    public string Token { get; }

    public Uri BaseUrl { get; }

    /// <summary>Every address the server listens on (with <c>Outpost:Listen</c> naming several, e.g. http and https).</summary>
    public IReadOnlyList<Uri> Addresses { get; private init; } = [];

    /// <summary>An API client authenticated with the admin token.</summary>
    public HttpClient Api { get; }

    public DataPaths Paths => _app.Services.GetRequiredService<DataPaths>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server in a fresh data directory, or in <paramref name="data"/> (which the caller keeps and deletes).</summary>
    public static async Task<OutpostHost> StartAsync(Dictionary<string, string?>? settings = null, TempDir? data = null)
    {
        var ownedData = data is null ? new TempDir("server") : null;
        var dataPath = (data ?? ownedData)!.Path;
        var config = new Dictionary<string, string?>
        {
            ["Outpost:DataDir"] = dataPath,
            ["Outpost:Listen"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            config[key] = value;
        }

        var app = await BuildAsync(config);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        // The plain http address drives the test (sessions, API); an https one, when configured too, is in Addresses.
        var port = (addresses.FirstOrDefault(a => a.Scheme == "http") ?? addresses[0]).Port;
        var token = await AdminToken.EnsureAsync(new DataPaths(dataPath), TimeProvider.System);
        return new OutpostHost(ownedData, app, port, token) { Addresses = addresses };
    }

    /// <summary>Builds (without starting) a server on <paramref name="dataDir"/>: for tests of what happens at start.</summary>
    public static Task<WebApplication> BuildAsync(string dataDir, Dictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?> { ["Outpost:DataDir"] = dataDir, ["Outpost:Listen"] = "http://127.0.0.1:0", ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in settings ?? [])
        {
            config[key] = value;
        }

        return BuildAsync(config);
    }

    private static Task<WebApplication> BuildAsync(Dictionary<string, string?> config) =>
        OutpostServer.BuildAsync([], b => b.Configuration.AddInMemoryCollection(config));

    public async Task<AppSummary> InstallAsync(string opkPath)
    {
        using var content = new StreamContent(File.OpenRead(opkPath));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Api.PostAsync("api/apps", content);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<AppSummary>())!;
    }

    public async Task<GrainSummary> NewGrainAsync(string appId, string? title = null)
    {
        using var response = await Api.PostAsJsonAsync("api/grains", new CreateGrainRequest { AppId = appId, Title = title });
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<GrainSummary>())!;
    }

    public async Task<SessionCreated> OpenAsync(string grainId)
    {
        using var response = await Api.PostAsync($"api/grains/{grainId}/sessions", null);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<SessionCreated>())!;
    }

    /// <summary>Stops the grain's sandbox and waits until it is down; the next request through a session starts it again.</summary>
    public async Task StopGrainAsync(string grainId)
    {
        using var stop = await Api.PostAsync($"api/grains/{grainId}/stop", null);
        await Ensure.SuccessAsync(stop);
        await Wait.UntilAsync(async () => !(await GrainAsync(grainId)).Running, TimeSpan.FromSeconds(30), "the grain to stop");
    }

    public async Task<GrainSummary> GrainAsync(string grainId) =>
        (await Api.GetFromJsonAsync<GrainSummary>($"api/grains/{grainId}"))!;

    /// <summary>A browser-like client for a session: its own cookie jar, no automatic redirects.</summary>
    public BrowserClient Browser() => new(Port);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ownedData?.Dispose();
    }
}

/// <summary>
/// An HTTP client that behaves like one browser: a cookie jar, redirects followed by hand, and every
/// <c>*.localhost</c> name resolved to loopback as browsers do.
/// </summary>
internal sealed class BrowserClient : IDisposable
{
    public BrowserClient(int port)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http { get; }

    /// <summary>Redeems a session link (one-time ticket) and returns the session's origin, e.g. http://abc….localhost:1234.</summary>
    public async Task<Uri> RedeemAsync(string sessionUrl)
    {
        using var response = await Http.GetAsync(sessionUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var url = new Uri(sessionUrl);
        return new Uri($"{url.Scheme}://{url.Authority}/");
    }

    /// <summary>Opens a WebSocket to <paramref name="path"/> on a session host, with this browser's cookie and the host as Origin.</summary>
    public async Task<System.Net.WebSockets.ClientWebSocket> ConnectWebSocketAsync(Uri origin, string path)
    {
        var cookie = Cookies.GetCookies(origin)[0];
        var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"{cookie.Name}={cookie.Value}");
        socket.Options.SetRequestHeader("Origin", origin.GetLeftPart(UriPartial.Authority));
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (ctx, ct) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, ctx.DnsEndPoint.Port, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        }, disposeHandler: false);
        await socket.ConnectAsync(new Uri($"ws://{origin.Authority}{path}"), invoker, CancellationToken.None);
        return socket;
    }

    public void Dispose() => Http.Dispose();
}

internal static class Ensure
{
    public static async Task SuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
