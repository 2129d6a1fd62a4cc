using System.Net.Sockets;

namespace Outpost.Bridge;

/// <summary>Runs the app, waits for its port, then serves the unix socket until the app exits.</summary>
internal static class BridgeHost
{
    public static async Task<int> RunAsync(BridgeOptions options)
    {
        using var app = AppProcess.TryStart(options);
        if (app is null)
        {
            return BridgeExitCodes.CannotStartApp;
        }

        // Readiness is what the host waits for: the socket must not exist before the app listens.
        if (!await ReadinessProbe.WaitUntilListeningAsync(options.Port, app.Exited))
        {
            return await app.Exited;
        }

        Socket listener;
        try
        {
            listener = UnixSocketListener.Listen(options.SocketPath);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"outpost-bridge: cannot listen on {options.SocketPath}: {e.Message}");
            app.Kill();
            await app.Exited;
            return BridgeExitCodes.CannotCreateSocket;
        }

        using (listener)
        {
            _ = AcceptLoopAsync(listener, options.Port);

            // The bridge lives exactly as long as the app: its exit code is the sandbox's exit code.
            return await app.Exited;
        }
    }

    private static async Task AcceptLoopAsync(Socket listener, int port)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.Interrupted)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The listener is closed only on the way out, or the socket is unusable: nothing to accept.
                return;
            }

            _ = ConnectionPump.RunAsync(client, port);
        }
    }
}
