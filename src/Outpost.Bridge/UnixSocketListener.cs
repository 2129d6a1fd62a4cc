using System.Net.Sockets;

namespace Outpost.Bridge;

/// <summary>Creates the listening unix socket so that its path appears only once it accepts.</summary>
internal static class UnixSocketListener
{
    private const int Backlog = 512;

    public static Socket Listen(string path)
    {
        // The host treats the socket's appearance as "ready". bind() creates the path before listen()
        // is called, and a connect in between is refused; binding a temporary name and renaming it
        // into place after listen() makes the appearance atomic.
        var temporary = path + ".tmp";
        File.Delete(temporary);
        File.Delete(path);

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            socket.Listen(Backlog);
            File.Move(temporary, path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
