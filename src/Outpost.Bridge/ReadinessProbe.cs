using System.Net;
using System.Net.Sockets;

namespace Outpost.Bridge;

/// <summary>Waits until the app accepts TCP connections on 127.0.0.1:PORT.</summary>
internal static class ReadinessProbe
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>True once a connection succeeds; false if the app exits first.</summary>
    public static async Task<bool> WaitUntilListeningAsync(int port, Task appExited)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var delay = FirstDelay;
        while (!appExited.IsCompleted)
        {
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try
                {
                    await probe.ConnectAsync(endpoint);
                    return true;
                }
                catch (SocketException)
                {
                    // Not listening yet. A connect to a closed loopback port fails at once, so polling
                    // with a short back-off costs little while apps boot in tens of milliseconds.
                }
            }

            await Task.WhenAny(appExited, Task.Delay(delay));
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }

        return false;
    }
}
