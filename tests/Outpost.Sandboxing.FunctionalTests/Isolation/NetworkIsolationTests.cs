using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Isolation;

/// <summary>The sandbox's network namespace has only its own loopback: nothing on the host is reachable.</summary>
public sealed class NetworkIsolationTests
{
    [Fact]
    public async Task Connect_HostLoopbackListener_IsRefused()
    {
        await using var env = new SandboxTestEnvironment();
        using var listener = Listen(IPAddress.Loopback);
        var sandbox = await env.StartHostileAsync();

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, $"/connect/127.0.0.1/{Port(listener)}");

        Assert.Equal(Errno.Failed(Errno.ECONNREFUSED), answer);
    }

    [Fact]
    public async Task Connect_HostServerPortOnAllInterfaces_IsRefused()
    {
        // Outpost's own HTTP port, as a server bound to every interface would expose it.
        await using var env = new SandboxTestEnvironment();
        using var server = Listen(IPAddress.Any);
        var sandbox = await env.StartHostileAsync();

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, $"/connect/127.0.0.1/{Port(server)}");

        Assert.Equal(Errno.Failed(Errno.ECONNREFUSED), answer);
    }

    [Fact]
    public async Task Connect_HostNonLoopbackAddress_IsUnreachable()
    {
        await using var env = new SandboxTestEnvironment();

        // The host's own external address when it has one; otherwise a documentation address
        // (192.0.2.1), which proves the same thing: there is no route out.
        var address = HostAddress();
        using var listener = address is null ? null : Listen(address);
        var target = address?.ToString() ?? "192.0.2.1";
        var port = listener is null ? "80" : Port(listener);
        var sandbox = await env.StartHostileAsync();

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, $"/connect/{target}/{port}");

        Assert.Equal(Errno.Failed(Errno.ENETUNREACH), answer);
    }

    [Fact]
    public async Task Connect_HostAbstractUnixSocket_IsRefused()
    {
        // Abstract unix sockets have no file to hide; they are scoped by network namespace instead.
        await using var env = new SandboxTestEnvironment();
        var name = "outpost-test-" + Guid.NewGuid().ToString("N")[..12];
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));
        listener.Listen();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ECONNREFUSED), await SandboxTestEnvironment.GetAsync(sandbox, "/connect-abstract/" + name));
    }

    [Fact]
    public async Task Socket_PacketFamily_IsNotSupported()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.EAFNOSUPPORT), await SandboxTestEnvironment.GetAsync(sandbox, "/socket/17"));
    }

    [Fact]
    public async Task Socket_VsockFamily_IsNotSupported()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.EAFNOSUPPORT), await SandboxTestEnvironment.GetAsync(sandbox, "/socket/40"));
    }

    [Fact]
    public async Task Socket_NetlinkAudit_IsNotSupported()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.EAFNOSUPPORT), await SandboxTestEnvironment.GetAsync(sandbox, "/netlink-audit"));
    }

    [Fact]
    public async Task Socket_NetlinkRoute_IsAllowedForInterfaceListing()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.StartsWith("ok", await SandboxTestEnvironment.GetAsync(sandbox, "/netlink-route"), StringComparison.Ordinal);
    }

    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    private static string Port(TcpListener listener) =>
        ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

    private static IPAddress? HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
