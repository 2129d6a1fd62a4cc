using System.Net;
using System.Net.Sockets;
using Outpost.Core.Security;

namespace Outpost.Server.Outbound;

/// <summary>
/// A connect step for <see cref="SocketsHttpHandler.ConnectCallback"/> that reaches public addresses only. Used
/// where a stranger chooses what the server fetches (a catalog's package URLs, another server's address in a
/// transfer pull, their redirects), so that such a fetch cannot reach this machine's or its network's own services.
/// The check runs on the addresses actually connected to, after name resolution, so a name that resolves to a
/// private address (or is changed to resolve to one later) is refused too.
/// </summary>
internal static class PublicOnlyConnections
{
    /// <summary>Connects to the first reachable public address of the request's host, or refuses.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var reachable = addresses.Where(NetworkAddresses.IsPublic).ToArray();
        if (reachable.Length is 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"{host} is {(addresses.Length is 0 ? "not a known host name" : $"on this machine or a private network ({addresses[0]})")}; "
                + "only addresses on the public internet are fetched from here");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(reachable, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
