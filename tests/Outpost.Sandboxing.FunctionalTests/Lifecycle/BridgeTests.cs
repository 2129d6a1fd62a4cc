using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Lifecycle;

/// <summary>The bridge on its own, run directly on the host (it is an ordinary executable).</summary>
public sealed class BridgeTests
{
    private static readonly string BridgePath = Path.Combine(AppContext.BaseDirectory, "outpost-bridge");

    [Fact]
    public async Task Bridge_Sigterm_IsForwardedToTheAppAndItsExitCodeReturned()
    {
        var socket = Path.Combine(TestDirectories.NewTestDirectory(), "http.sock");
        using var bridge = Start("--socket", socket, "--port", FreePort(), "--", "/bin/sh", "-c", "trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done");

        // "ready" is printed after the trap is set; the bridge registered its handlers before starting the app.
        Assert.Equal("ready", await bridge.StandardOutput.ReadLineAsync().WaitAsync(SandboxTestEnvironment.Timeout));
        Assert.Equal(0, Outpost.Sandboxing.Native.Libc.Kill(bridge.Id, 15));
        await bridge.WaitForExitAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.Equal(42, bridge.ExitCode);
        Assert.False(File.Exists(socket), "the app never listened, so the socket must never appear");
    }

    [Fact]
    public async Task Bridge_AppListens_SocketAppearsAndPipesBytes()
    {
        var socket = Path.Combine(TestDirectories.NewTestDirectory(), "http.sock");
        using var app = new TcpListener(IPAddress.Loopback, 0);
        app.Start();
        var port = ((IPEndPoint)app.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bridge = Start("--socket", socket, "--port", port, "--", "/bin/sleep", "60");

        var accepted = app.AcceptSocketAsync();
        using (await accepted.WaitAsync(SandboxTestEnvironment.Timeout))
        {
            // The readiness probe's own connection: the socket is created right after it.
        }

        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await ConnectWhenPresentAsync(client, socket);
        using var upstream = await app.AcceptSocketAsync().WaitAsync(SandboxTestEnvironment.Timeout);
        await client.SendAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        var read = await upstream.ReceiveAsync(buffer).WaitAsync(SandboxTestEnvironment.Timeout);
        bridge.Kill(entireProcessTree: true);

        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task Bridge_BadArguments_ExitsWithUsage()
    {
        using var bridge = Start("--port", "nope");
        await bridge.WaitForExitAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.Equal(64, bridge.ExitCode);
    }

    [Fact]
    public async Task Bridge_AppMissing_ExitsWith127()
    {
        var socket = Path.Combine(TestDirectories.NewTestDirectory(), "http.sock");
        using var bridge = Start("--socket", socket, "--port", "8000", "--", "/nonexistent/app");
        await bridge.WaitForExitAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.Equal(127, bridge.ExitCode);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(BridgePath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static async Task ConnectWhenPresentAsync(Socket client, string path)
    {
        // The bridge renames the socket into place right after the probe succeeds; wait for that event.
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        var appeared = new TaskCompletionSource();
        watcher.Renamed += (_, _) => appeared.TrySetResult();
        watcher.EnableRaisingEvents = true;
        if (!File.Exists(path))
        {
            await appeared.Task.WaitAsync(SandboxTestEnvironment.Timeout);
        }

        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
    }

    private static string FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
