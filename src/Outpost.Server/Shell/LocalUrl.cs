namespace Outpost.Server.Shell;

/// <summary>Return addresses taken from a query string: only paths on this server, never another site.</summary>
internal static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a local path ("/apps"), else "/".</summary>
    public static string OrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal)
            ? url
            : "/";
}
