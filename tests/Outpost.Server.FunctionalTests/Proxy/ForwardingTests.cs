using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Proxy;

/// <summary>What passes through the router into the sandbox: WebSockets, request and response bodies.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task WebSocket_ThroughSessionHost_EchoesMessages()
    {
        await using var host = await OutpostHost.StartAsync();
        var (_, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        using var socket = await browser.ConnectWebSocketAsync(origin, "/api/live");

        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"ping","data":"hello through the sandbox"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        var message = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;

        Assert.Equal("pong", message.GetProperty("type").GetString());
        Assert.Equal("hello through the sandbox", message.GetProperty("data").GetString());
    }

    [Fact]
    public async Task LargeBodies_StreamBothWays()
    {
        await using var host = await OutpostHost.StartAsync();
        var (_, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        var body = new string('x', 200_000);

        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(origin, "api/notes")) { Content = JsonContent.Create(new { title = "big", body }) };
        create.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        using var created = await browser.Http.SendAsync(create);
        await Ensure.SuccessAsync(created);
        using var export = await browser.Http.GetAsync(new Uri(origin, "api/export"), HttpCompletionOption.ResponseHeadersRead);
        await Ensure.SuccessAsync(export);
        var exported = await export.Content.ReadAsStringAsync();

        Assert.Contains(body, exported, StringComparison.Ordinal);
    }
}
