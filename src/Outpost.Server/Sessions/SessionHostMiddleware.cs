using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Outpost.Core.Security;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.Server.Sessions;

/// <summary>
/// The session-host router. A request whose host is <c>&lt;32 hex&gt;.&lt;base domain&gt;</c> belongs to a session:
/// it must carry that session's cookie (set once by redeeming the one-time ticket), must not be a cross-origin
/// write, and is then forwarded into the grain with the identity headers. Every other host goes to the shell.
/// </summary>
internal sealed partial class SessionHostMiddleware(
    RequestDelegate next,
    SessionCache sessions,
    Sharing.GrainAccess access,
    Sharing.OpenRequests openRequests,
    GrainForwarder forwarder,
    IOptions<OutpostOptions> options,
    TimeProvider time,
    ILogger<SessionHostMiddleware> logger)
{
    /// <summary>The session cookie: host-only, HttpOnly; the app never sees it.</summary>
    public const string CookieName = "outpost_session";

    private readonly string _hostSuffix = "." + options.Value.BaseDomain;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!TryGetSessionId(context.Request.Host.Host, out var sessionId))
        {
            await next(context);
            return;
        }

        var session = await sessions.GetAsync(sessionId, context.RequestAborted);
        if (session is null)
        {
            await SessionHostPages.WriteAsync(context, StatusCodes.Status404NotFound, "No such session",
                "This session does not exist, or its grain was deleted. Open the grain again from Outpost to get a new link.");
            return;
        }

        if (session.ExpiresAt <= time.GetUtcNow())
        {
            await SessionHostPages.WriteAsync(context, StatusCodes.Status403Forbidden, "This session has ended",
                "Sessions last a limited time. Open the grain again from Outpost to continue.");
            return;
        }

        if (context.Request.Path.Equals(SessionService.OpenPath, StringComparison.Ordinal))
        {
            await RedeemTicketAsync(context, sessionId);
            return;
        }

        if (!SecretToken.Matches(context.Request.Cookies[CookieName], session.CookieHash))
        {
            LogDenied(logger, sessionId, "no valid session cookie");
            await SessionHostPages.WriteAsync(context, StatusCodes.Status403Forbidden, "Not your session",
                "This address belongs to a session that was opened in another browser, or your session cookie is missing. Open the grain again from Outpost.");
            return;
        }

        if (OriginCheck.IsCrossOriginWrite(context.Request, requireProof: false))
        {
            LogDenied(logger, sessionId, "cross-origin write");
            await SessionHostPages.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-origin request refused",
                "Another site tried to send data to this grain. Outpost only accepts changes that come from the grain's own pages.");
            return;
        }

        // Checked on every request (through a one-second cache) so that revoking a share closes open sessions too.
        var result = await access.GetAsync(session.GrainId, session.Principals, context.RequestAborted);
        if (!result.HasAccess)
        {
            LogDenied(logger, sessionId, "access was revoked");
            await SessionHostPages.WriteAsync(context, StatusCodes.Status403Forbidden, "Access was revoked",
                "You no longer have access to this grain: the share or link you used was revoked or has expired.");
            return;
        }

        StripReservedRequestHeaders(context.Request);

        // An owner cannot lose access; anyone else's open request is watched so revoking closes it too.
        using var watch = result.IsOwner ? default : openRequests.Watch(context, session);
        await forwarder.ForwardAsync(context, session with { Permissions = string.Join(',', result.Permissions) });
    }

    private bool TryGetSessionId(string host, out string sessionId)
    {
        sessionId = "";
        if (host.Length != 32 + _hostSuffix.Length || !host.EndsWith(_hostSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var label = host[..32].ToLowerInvariant();
        if (!SecretToken.IsWellFormed(label))
        {
            return false;
        }

        sessionId = label;
        return true;
    }

    private async Task RedeemTicketAsync(HttpContext context, string sessionId)
    {
        var ticket = context.Request.Query["ticket"].ToString();
        var service = context.RequestServices.GetRequiredService<SessionService>();
        var cookie = await service.RedeemAsync(sessionId, ticket, context.RequestAborted);
        if (cookie is null)
        {
            LogDenied(logger, sessionId, "ticket invalid, used or expired");
            await SessionHostPages.WriteAsync(context, StatusCodes.Status403Forbidden, "This link was already used or has expired",
                "A grain link opens one browser session, once. Ask Outpost for a new one ('outpost grain open ID').");
            return;
        }

        context.Response.Cookies.Append(CookieName, cookie, SessionCookieOptions(context.Request));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(SafeNext(context.Request.Query["next"]));
    }

    /// <summary>
    /// The session cookie is host-only and HttpOnly. Opened top-level (a link, curl) it is SameSite=Lax. Opened in
    /// the shell's iframe the session host is a third party to the shell, so the cookie must be SameSite=None,
    /// which browsers accept only with Secure (https, or a *.localhost host, which browsers treat as secure), and
    /// Partitioned (CHIPS), so it lives only under the shell that framed it and survives third-party-cookie blocking.
    /// </summary>
    private static CookieOptions SessionCookieOptions(HttpRequest request)
    {
        var framed = request.Headers["Sec-Fetch-Dest"] == "iframe";
        var secureContext = request.IsHttps || request.Host.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        var options = new CookieOptions
        {
            HttpOnly = true,
            Secure = request.IsHttps || (framed && secureContext),
            SameSite = framed && secureContext ? SameSiteMode.None : SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
        };
        if (options.SameSite == SameSiteMode.None)
        {
            options.Extensions.Add("Partitioned");
        }

        return options;
    }

    // Only a path on this same host: never another origin, never a protocol-relative "//evil".
    private static string SafeNext(StringValues next)
    {
        var value = next.ToString();
        return value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal) && !value.StartsWith("/\\", StringComparison.Ordinal)
            && !value.StartsWith(SessionService.OpenPath, StringComparison.Ordinal)
            ? value
            : "/";
    }

    private static void StripReservedRequestHeaders(HttpRequest request)
    {
        List<string>? reserved = null;
        foreach (var name in request.Headers.Keys)
        {
            if (name.StartsWith(IdentityHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                (reserved ??= []).Add(name);
            }
        }

        reserved?.ForEach(name => request.Headers.Remove(name));

        var cookies = request.Headers.Cookie.ToString();
        if (cookies.Contains(CookieName, StringComparison.Ordinal))
        {
            var kept = cookies.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(c => !c.StartsWith(CookieName + "=", StringComparison.Ordinal));
            var rebuilt = string.Join("; ", kept);
            if (rebuilt.Length == 0)
            {
                request.Headers.Remove("Cookie");
            }
            else
            {
                request.Headers.Cookie = rebuilt;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: request denied ({Reason})")]
    private static partial void LogDenied(ILogger logger, string sessionId, string reason);
}
