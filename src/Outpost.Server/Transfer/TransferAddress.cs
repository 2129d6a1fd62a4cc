using System.Net;

namespace Outpost.Server.Transfer;

/// <summary>Which addresses a pull may fetch from: https anywhere, this machine only for administrators.</summary>
internal static class TransferAddress
{
    /// <summary>
    /// The offering server's address made canonical (ending in '/'), or a <see cref="TransferException"/> saying what
    /// is wrong with it: not http(s), plain http to another machine, user info, a query. This machine's own
    /// addresses only with <paramref name="mayUseLoopback"/> (administrators): other services listen there, and a
    /// pull must not become a way for any user to knock on them.
    /// </summary>
    public static Uri Check(string url, bool mayUseLoopback)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new TransferException($"'{url}' is not the address of an Outpost server; give its https:// address, e.g. https://outpost.example.org");
        }

        if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            throw new TransferException($"{uri.GetLeftPart(UriPartial.Authority)} uses plain http, which anyone on the way could read; give its https:// address. "
                + "(Plain http is accepted only for a server on this machine — localhost, 127.0.0.1 or ::1 — for development.)");
        }

        if (IsLoopback(uri) && !mayUseLoopback)
        {
            throw new TransferException($"{uri.Host} is this server's own machine; only an administrator may pull from there (it is meant for trying transfers out)");
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new TransferException($"give the server's address alone (like {uri.Scheme}://{uri.Authority}/), without a user name, query or fragment");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
