using Outpost.Server.Accounts;
using Outpost.Server.Sessions;

namespace Outpost.Server.AccessLog;

/// <summary>Who did something, as the access log records it: the account (or nobody, for a link visitor), a name and an address.</summary>
internal sealed record AccessLogActor(string? AccountId, string Name, string? Address)
{
    /// <summary>The signed-in caller of a request, or an anonymous visitor when nobody is signed in.</summary>
    public static AccessLogActor From(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        return context.User.Identity?.IsAuthenticated == true
            ? new AccessLogActor(context.User.AccountId(), context.User.DisplayNameOf(), address)
            : new AccessLogActor(null, SessionCache.AnonymousName, address);
    }
}
