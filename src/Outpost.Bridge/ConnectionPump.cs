using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Outpost.Bridge;

/// <summary>Pipes one unix connection byte for byte to a new TCP connection to the app.</summary>
/// <remarks>
/// Being a byte pipe rather than an HTTP proxy is what lets keep-alive, WebSockets, streaming
/// responses and any future protocol work without the bridge knowing about them.
/// </remarks>
internal static class ConnectionPump
{
    private const int BufferSize = 16 * 1024;

    public static async Task RunAsync(Socket client, int port)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            try
            {
                await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException)
            {
                // The app stopped accepting: closing the client tells the host, which reports a bad gateway.
                return;
            }

            await Task.WhenAll(CopyAsync(client, upstream), CopyAsync(upstream, client));
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        try
        {
            while (true)
            {
                // A zero-byte read waits for data without holding a buffer, so idle keep-alive and
                // WebSocket connections cost no pooled memory; the buffer is rented only while bytes flow.
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                    if (read == 0)
                    {
                        // Half-close: pass the end of one direction on and keep the other open, as
                        // HTTP/1.0 clients and some streaming peers rely on.
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    await SendAllAsync(to, buffer.AsMemory(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // One side reset or vanished: tear both down so the other direction does not hang.
            Abort(from);
            Abort(to);
        }
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
