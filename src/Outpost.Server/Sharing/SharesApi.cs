using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Data.Sharing;
using Outpost.Data.AccessLog;
using Outpost.Server.AccessLog;
using Outpost.Server.Accounts;
using Outpost.Server.Hosting;
using Outpost.Server.Sessions;

namespace Outpost.Server.Sharing;

/// <summary>HTTP API for sharing: <c>/api/grains/{id}/shares</c>, <c>/api/grains/{id}/access</c> and <c>/api/shares</c>.</summary>
internal static partial class SharesApi
{
    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(3650);

    public static RouteGroupBuilder MapSharesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/grains/{id}/shares", CreateAsync).RequireAuthorization();
        api.MapGet("/grains/{id}/access", AccessAsync).RequireAuthorization();
        api.MapDelete("/shares/{shareId}", RevokeAsync).RequireAuthorization();
        api.MapPatch("/shares/{shareId}", ChangeRoleAsync).RequireAuthorization();

        // Anonymous on purpose: links work without an account. Guessing a 128-bit token is hopeless, and the
        // rate limit keeps it that way.
        api.MapPost("/shares/open", OpenAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Auth);
        return api;
    }

    private static async Task<IResult> CreateAsync(
        string id, CreateShareRequest request, HttpContext context, ClaimsPrincipal user, OutpostDbContext db, GrainAccess access, AccessLogWriter log,
        IOptions<OutpostOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var sharing = await access.LoadAsync(db, id, ct);
        var maker = Principal.Account(user.AccountId());
        var now = time.GetUtcNow();
        var check = sharing is null ? ShareCheck.NoAccess : AccessEvaluator.CanShare(sharing.Grain.OwnerId, sharing.Shares, sharing.Roles, maker, request.Role, now);
        switch (check)
        {
            case ShareCheck.NoAccess:
                return NoSuchGrain(id);
            case ShareCheck.UnknownRole:
                return Problem(StatusCodes.Status400BadRequest, "Unknown role",
                    $"This app has no role '{request.Role}'. Its roles: {string.Join(", ", sharing!.Roles.Roles.Keys)}.");
            case ShareCheck.WouldEscalate:
                return Problem(StatusCodes.Status403Forbidden, "You cannot share more than you hold",
                    $"The role '{request.Role}' grants permissions you do not have on this grain. Share a role with fewer permissions.");
        }

        TimeSpan? expiresIn = null;
        if (request.ExpiresIn is { } text)
        {
            // Bounded so that "now + duration" cannot overflow; a share meant to last longer simply has no expiry.
            if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero || parsed > MaxExpiry)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid expiry",
                    $"'{text}' is not a duration between one second and {MaxExpiry.Days} days, such as 7.00:00:00 (seven days).");
            }

            expiresIn = parsed;
        }

        string? toAccountId = null;
        if (request.AccountEmail is { } email)
        {
            var normalized = email.Trim().ToUpperInvariant();
            toAccountId = await db.Accounts.Where(a => a.NormalizedEmail == normalized).Select(a => a.Id).FirstOrDefaultAsync(ct);
            if (toAccountId is null)
            {
                return Problem(StatusCodes.Status400BadRequest, "No such person", $"No account of this server has the email address {email}.");
            }

            // The owner holds everything already and a share to oneself grants nothing new: both would only clutter the list.
            if (toAccountId == maker.Id || toAccountId == sharing!.Grain.OwnerId)
            {
                return Problem(StatusCodes.Status400BadRequest, "Already has access", $"{email} is the grain's owner or yourself.");
            }
        }

        var token = toAccountId is null ? SecretToken.New() : null;
        var share = new ShareRecord
        {
            Id = SecretToken.New(),
            GrainId = id,
            FromAccountId = maker.Id,
            ToAccountId = toAccountId,
            TokenHash = token is null ? null : SecretToken.Hash(token),
            RoleId = request.Role,
            Label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim(),
            ExpiresAt = now + expiresIn,
            SignInRequired = token is not null && request.SignInRequired,
            CreatedBy = maker.Id,
            CreatedAt = now,
        };
        db.Shares.Add(share);
        log.Add(sharing!.Grain, AccessLogActor.From(context), AccessLogActions.ShareCreate, share.Id, share.RoleId, DescribeShare(share, request.AccountEmail));
        await db.SaveChangesAsync(ct);
        access.Invalidate(id);
        LogShared(loggers.CreateLogger(typeof(SharesApi)), id, share.Id, share.RoleId, token is null ? "person" : "link");
        return TypedResults.Created($"/api/shares/{share.Id}", new ShareCreated
        {
            Id = share.Id,
            Url = token is null ? null : $"{ShellOrigin(options.Value, context.Request)}/shared/{token}",
        });
    }

    private static async Task<IResult> AccessAsync(string id, ClaimsPrincipal user, OutpostDbContext db, GrainAccess access, TimeProvider time, CancellationToken ct)
    {
        var sharing = await access.LoadAsync(db, id, ct);
        var now = time.GetUtcNow();
        if (sharing is null || !sharing.Evaluate([Principal.Account(user.AccountId())], now).HasAccess)
        {
            return NoSuchGrain(id);
        }

        var ids = sharing.Records.SelectMany(r => new[] { r.ToAccountId, r.CreatedBy }).Append(sharing.Grain.OwnerId).OfType<string>().Distinct().ToList();
        var names = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var entries = new List<AccessEntry>
        {
            new() { Kind = "owner", AccountId = sharing.Grain.OwnerId, Name = names.GetValueOrDefault(sharing.Grain.OwnerId), Role = "owner", Permissions = sharing.Roles.Permissions },
        };
        foreach (var record in sharing.Records.Where(r => r.ToAccountId != sharing.Grain.OwnerId))
        {
            // Only shares that grant something now: a share beneath a revoked one is listed nowhere, as it gives nothing.
            var share = GrainAccess.ToShare(record);
            var held = sharing.Evaluate([share.To], now);
            if (!share.IsActiveAt(now) || !held.Grants.Any(g => g.Share.Id == share.Id))
            {
                continue;
            }

            entries.Add(new AccessEntry
            {
                ShareId = record.Id,
                Kind = record.ToAccountId is null ? "link" : "person",
                AccountId = record.ToAccountId,
                Name = record.ToAccountId is { } to ? names.GetValueOrDefault(to) : record.Label,
                Role = record.RoleId,
                Permissions = held.Grants.First(g => g.Share.Id == share.Id).Permissions,
                AddedBy = names.GetValueOrDefault(record.CreatedBy),
                AddedAt = record.CreatedAt,
                ExpiresAt = record.ExpiresAt,
                SignInRequired = record.SignInRequired,
            });
        }

        return TypedResults.Ok(entries);
    }

    private static async Task<IResult> RevokeAsync(
        string shareId, HttpContext context, ClaimsPrincipal user, OutpostDbContext db, GrainAccess access, AccessLogWriter log, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, sharing, refusal) = await FindShareToManageAsync(shareId, user, "revoke", db, access, now, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (record.RevokedAt is null)
        {
            record.RevokedAt = now;
            log.Add(sharing.Grain, AccessLogActor.From(context), AccessLogActions.ShareRevoke, record.Id, record.RoleId, DescribeShare(record, await EmailOfAsync(db, record.ToAccountId, ct)));
            await db.SaveChangesAsync(ct);
            access.Invalidate(record.GrainId);
            LogRevoked(loggers.CreateLogger(typeof(SharesApi)), record.GrainId, record.Id);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> ChangeRoleAsync(
        string shareId, ChangeShareRequest request, HttpContext context, ClaimsPrincipal user, OutpostDbContext db, GrainAccess access, AccessLogWriter log,
        TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (record, sharing, refusal) = await FindShareToManageAsync(shareId, user, "change", db, access, now, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (record.RevokedAt is not null)
        {
            return Problem(StatusCodes.Status409Conflict, "This share was revoked", "A revoked share stays revoked. Make a new share instead.");
        }

        // Whoever changes the role must hold all of the new role's permissions, exactly as when sharing anew.
        switch (AccessEvaluator.CanShare(sharing.Grain.OwnerId, sharing.Shares, sharing.Roles, Principal.Account(user.AccountId()), request.Role, now))
        {
            case ShareCheck.UnknownRole:
                return Problem(StatusCodes.Status400BadRequest, "Unknown role",
                    $"This app has no role '{request.Role}'. Its roles: {string.Join(", ", sharing.Roles.Roles.Keys)}.");
            case ShareCheck.WouldEscalate or ShareCheck.NoAccess:
                return Problem(StatusCodes.Status403Forbidden, "You cannot share more than you hold",
                    $"The role '{request.Role}' grants permissions you do not have on this grain.");
        }

        if (record.RoleId != request.Role)
        {
            log.Add(sharing.Grain, AccessLogActor.From(context), AccessLogActions.ShareChange, record.Id, request.Role,
                $"{DescribeShare(record, await EmailOfAsync(db, record.ToAccountId, ct))}: {record.RoleId} → {request.Role}");
            record.RoleId = request.Role;
            await db.SaveChangesAsync(ct);
            access.Invalidate(record.GrainId);
        }

        return TypedResults.NoContent();
    }

    /// <summary>
    /// Finds a share the caller may revoke or change: the grain's owner or whoever made it. Someone who cannot see
    /// the grain and did not make the share learns nothing about it, not even that it exists.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0046", Justification = "Three outcomes read better as steps")]
    private static async Task<(ShareRecord Record, GrainSharing Sharing, IResult? Refusal)> FindShareToManageAsync(
        string shareId, ClaimsPrincipal user, string verb, OutpostDbContext db, GrainAccess access, DateTimeOffset now, CancellationToken ct)
    {
        var record = await db.Shares.FirstOrDefaultAsync(s => s.Id == shareId, ct);
        var sharing = record is null ? null : await access.LoadAsync(db, record.GrainId, ct);
        var who = Principal.Account(user.AccountId());
        var mayManage = sharing is not null && AccessEvaluator.CanRevoke(sharing.Grain.OwnerId, GrainAccess.ToShare(record!), who);
        if (sharing is null || (!mayManage && !sharing.Evaluate([who], now).HasAccess))
        {
            return (null!, null!, Problem(StatusCodes.Status404NotFound, "No such share", $"There is no share {shareId} that you can see."));
        }

        return mayManage
            ? (record!, sharing, null)
            : (null!, null!, Problem(StatusCodes.Status403Forbidden, $"You cannot {verb} this share", $"Only the grain's owner and whoever made a share can {verb} it."));
    }

    private static async Task<IResult> OpenAsync(
        OpenLinkRequest request, HttpContext context, OutpostDbContext db, GrainAccess access, SessionService sessions, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var hash = SecretToken.IsWellFormed(request.Token) ? SecretToken.Hash(request.Token) : null;
        var link = hash is null ? null : await db.Shares.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (link is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such link", "This sharing link does not exist. Check that it was copied completely.");
        }

        var accountId = context.User.Identity?.IsAuthenticated == true ? context.User.AccountId() : null;
        if (link.SignInRequired && accountId is null)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Sign in to open this link", "Whoever shared this link asked that only signed-in people open it. Sign in, then open the link again.");
        }

        List<Principal> who = [Principal.Link(link.Id)];
        if (accountId is not null)
        {
            who.Add(Principal.Account(accountId));
        }

        var sharing = await access.LoadAsync(db, link.GrainId, ct);
        var result = sharing?.Evaluate(who, time.GetUtcNow()) ?? AccessResult.None;
        if (!result.HasAccess)
        {
            LogLinkRefused(loggers.CreateLogger(typeof(SharesApi)), link.GrainId, link.Id);
            return Problem(StatusCodes.Status403Forbidden, "This link no longer works", "The link was revoked or has expired. Ask whoever shared it for a new one.");
        }

        if (sharing!.Grain.TrashedAt is not null)
        {
            return Problem(StatusCodes.Status409Conflict, "This grain is in the trash", "Its owner moved it to the trash.");
        }

        var grain = await db.Grains.FirstAsync(g => g.Id == link.GrainId, ct);
        return TypedResults.Ok(await sessions.CreateAsync(grain, accountId, link.Id, result, context.Request, ct, link.Label));
    }

    private static string DescribeShare(ShareRecord share, string? email) =>
        share.ToAccountId is not null ? $"with {email}"
        : share.Label is { } label ? $"link “{label}”"
        : "link";

    private static Task<string?> EmailOfAsync(OutpostDbContext db, string? accountId, CancellationToken ct) =>
        accountId is null ? Task.FromResult<string?>(null) : db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).FirstOrDefaultAsync(ct);

    private static string ShellOrigin(OutpostOptions options, HttpRequest request) =>
        string.IsNullOrEmpty(options.BaseUrl) ? $"{request.Scheme}://{request.Host}" : options.BaseUrl.TrimEnd('/');

    private static IResult NoSuchGrain(string id) =>
        Problem(StatusCodes.Status404NotFound, "No such grain", $"There is no grain {id} that you can open.");

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: share {ShareId} made ({Role}, {Kind})")]
    private static partial void LogShared(ILogger logger, string grainId, string shareId, string role, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: share {ShareId} revoked")]
    private static partial void LogRevoked(ILogger logger, string grainId, string shareId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: link {ShareId} refused (revoked or expired)")]
    private static partial void LogLinkRefused(ILogger logger, string grainId, string shareId);
}
