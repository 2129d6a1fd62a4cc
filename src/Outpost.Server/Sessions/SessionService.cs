using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Grains;
using Outpost.Data.Sessions;
using Outpost.Server.AccessLog;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Sessions;

/// <summary>Creates sessions and redeems their one-time tickets.</summary>
internal sealed class SessionService(OutpostDbContext db, SessionCache cache, AccessLogWriter log, IOptions<OutpostOptions> options, TimeProvider time)
{
    /// <summary>The path on a session host that redeems a ticket. Reserved: apps never see it.</summary>
    public const string OpenPath = "/_outpost/open";

    /// <summary>
    /// Opens a session on <paramref name="grain"/> for an account, a link holder, or both, and records the visit in
    /// the access log. The caller has checked access and passes what it found, so the log shows the role held, and
    /// for a link its label, so the log reads "through the link “for reviewers”".
    /// </summary>
    public async Task<SessionCreated> CreateAsync(
        GrainRecord grain, string? accountId, string? linkShareId, AccessResult access, HttpRequest request, CancellationToken ct, string? linkLabel = null)
    {
        var ticket = SecretToken.New();
        var now = time.GetUtcNow();
        var session = new SessionRecord
        {
            Id = SecretToken.New(),
            GrainId = grain.Id,
            AccountId = accountId,
            LinkShareId = linkShareId,
            TicketHash = SecretToken.Hash(ticket),
            TicketExpiresAt = now + options.Value.TicketLifetime,
            CreatedAt = now,
        };
        db.Sessions.Add(session);
        log.Add(grain, AccessLogActor.From(request.HttpContext), AccessLogActions.Open,
            shareId: linkShareId ?? access.Grants.FirstOrDefault()?.Share.Id,
            role: access.IsOwner ? "owner" : string.Join(", ", access.Roles),
            detail: linkShareId is null ? null : linkLabel is null ? "through a link" : $"through the link “{linkLabel}”");
        grain.LastOpenedAt = now;
        await db.SaveChangesAsync(ct);
        return new SessionCreated
        {
            SessionId = session.Id,
            Url = $"{SessionOrigin(session.Id, request)}{OpenPath}?ticket={ticket}",
            TicketExpiresAt = session.TicketExpiresAt,
        };
    }

    /// <summary>
    /// Redeems a ticket once. Returns the new cookie secret, or null when the ticket is wrong, used or expired
    /// (the caller can't tell which, on purpose).
    /// </summary>
    public async Task<string?> RedeemAsync(string sessionId, string ticket, CancellationToken ct)
    {
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || session.TicketUsedAt is not null || session.TicketExpiresAt < time.GetUtcNow()
            || !SecretToken.Matches(ticket, session.TicketHash))
        {
            return null;
        }

        var cookie = SecretToken.New();
        var used = await db.Sessions
            .Where(s => s.Id == sessionId && s.TicketUsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.TicketUsedAt, time.GetUtcNow()).SetProperty(s => s.CookieHash, SecretToken.Hash(cookie)), ct);
        if (used != 1)
        {
            return null; // redeemed concurrently by someone else
        }

        cache.Forget(sessionId);
        return cookie;
    }

    private string SessionOrigin(string sessionId, HttpRequest request)
    {
        var o = options.Value;
        var (scheme, port) = string.IsNullOrEmpty(o.BaseUrl)
            ? (request.Scheme, request.Host.Port)
            : (new Uri(o.BaseUrl).Scheme, new Uri(o.BaseUrl).IsDefaultPort ? (int?)null : new Uri(o.BaseUrl).Port);
        return port is null ? $"{scheme}://{sessionId}.{o.BaseDomain}" : $"{scheme}://{sessionId}.{o.BaseDomain}:{port}";
    }
}
