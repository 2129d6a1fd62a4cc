using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Sharing;
using Outpost.Server.AccessLog;
using Outpost.Server.Accounts;
using Outpost.Server.Hosting;
using Outpost.Server.Sessions;

namespace Outpost.Server.Sharing;

/// <summary>
/// Sharing as the API and the shell both do it: make, list, change and revoke shares, and open links. Every refusal
/// is a <see cref="ShareRequestException"/> that says what to do; every change is written to the access log in the
/// same save.
/// </summary>
internal sealed partial class ShareService(
    OutpostDbContext db, GrainAccess access, AccessLogWriter log, SessionService sessions, IOptions<OutpostOptions> options, TimeProvider time,
    ILogger<ShareService> logger)
{
    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(3650);

    /// <summary>Shares a grain with a person or makes a link, as the signed-in caller; never more than they hold.</summary>
    public async Task<ShareCreated> CreateAsync(string grainId, CreateShareRequest request, HttpContext context, CancellationToken ct)
    {
        var sharing = await access.LoadAsync(db, grainId, ct);
        var maker = Principal.Account(context.User.AccountId());
        var now = time.GetUtcNow();
        var check = sharing is null ? ShareCheck.NoAccess : AccessEvaluator.CanShare(sharing.Grain.OwnerId, sharing.Shares, sharing.Roles, maker, request.Role, now);
        switch (check)
        {
            case ShareCheck.NoAccess:
                throw NoSuchGrain(grainId);
            case ShareCheck.UnknownRole:
                throw UnknownRole(request.Role, sharing!);
            case ShareCheck.WouldEscalate:
                throw new ShareRequestException(StatusCodes.Status403Forbidden, "You cannot share more than you hold",
                    $"The role '{request.Role}' grants permissions you do not have on this grain. Share a role with fewer permissions.");
        }

        var expiresIn = ParseExpiry(request.ExpiresIn);
        var person = string.IsNullOrWhiteSpace(request.Person) ? null : await FindPersonAsync(request.Person.Trim(), ct);
        if (person is not null && (person.Id == maker.Id || person.Id == sharing!.Grain.OwnerId))
        {
            // The owner holds everything already and a share to oneself grants nothing new: both would only clutter the list.
            throw new ShareRequestException(StatusCodes.Status400BadRequest, "Already has access", $"{person.Name} is the grain's owner or yourself.");
        }

        var token = person is null ? SecretToken.New() : null;
        var share = new ShareRecord
        {
            Id = SecretToken.New(),
            GrainId = grainId,
            FromAccountId = maker.Id,
            ToAccountId = person?.Id,
            TokenHash = token is null ? null : SecretToken.Hash(token),
            RoleId = request.Role,
            Label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim(),
            ExpiresAt = now + expiresIn,
            SignInRequired = token is not null && request.SignInRequired,
            CreatedBy = maker.Id,
            CreatedAt = now,
        };
        db.Shares.Add(share);
        log.Add(sharing!.Grain, AccessLogActor.From(context), AccessLogActions.ShareCreate, share.Id, share.RoleId, Describe(share, person?.Email));
        await db.SaveChangesAsync(ct);
        access.Invalidate(grainId);
        LogShared(logger, grainId, share.Id, share.RoleId, token is null ? "person" : "link");
        return new ShareCreated { Id = share.Id, Url = token is null ? null : $"{ShellOrigin(context.Request)}/shared/{token}" };
    }

    /// <summary>Who has access to the grain now: the owner, people and links, with who added them. Anyone with access may look.</summary>
    public async Task<List<AccessEntry>> AccessAsync(string grainId, ClaimsPrincipal user, CancellationToken ct)
    {
        var sharing = await access.LoadAsync(db, grainId, ct);
        var now = time.GetUtcNow();
        var caller = Principal.Account(user.AccountId());
        if (sharing is null || !sharing.Evaluate([caller], now).HasAccess)
        {
            throw NoSuchGrain(grainId);
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
            var grant = share.IsActiveAt(now) ? sharing.Evaluate([share.To], now).Grants.FirstOrDefault(g => g.Share.Id == share.Id) : null;
            if (grant is null)
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
                Permissions = grant.Permissions,
                AddedBy = names.GetValueOrDefault(record.CreatedBy),
                AddedAt = record.CreatedAt,
                ExpiresAt = record.ExpiresAt,
                SignInRequired = record.SignInRequired,
                CanManage = AccessEvaluator.CanRevoke(sharing.Grain.OwnerId, share, caller),
            });
        }

        return entries;
    }

    /// <summary>Revokes a share (the owner or its maker); everything shared onward through it falls with it. Revoking twice is fine.</summary>
    public async Task RevokeAsync(string shareId, HttpContext context, CancellationToken ct)
    {
        var (record, sharing) = await FindShareToManageAsync(shareId, context.User, "revoke", ct);
        if (record.RevokedAt is not null)
        {
            return;
        }

        record.RevokedAt = time.GetUtcNow();
        log.Add(sharing.Grain, AccessLogActor.From(context), AccessLogActions.ShareRevoke, record.Id, record.RoleId, Describe(record, await EmailOfAsync(record.ToAccountId, ct)));
        await db.SaveChangesAsync(ct);
        access.Invalidate(record.GrainId);
        LogRevoked(logger, record.GrainId, record.Id);
    }

    /// <summary>Changes the role a share grants (the owner or its maker), never to more than the caller holds.</summary>
    public async Task ChangeRoleAsync(string shareId, string role, HttpContext context, CancellationToken ct)
    {
        var (record, sharing) = await FindShareToManageAsync(shareId, context.User, "change", ct);
        if (record.RevokedAt is not null)
        {
            throw new ShareRequestException(StatusCodes.Status409Conflict, "This share was revoked", "A revoked share stays revoked. Make a new share instead.");
        }

        // Whoever changes the role must hold all of the new role's permissions, exactly as when sharing anew.
        switch (AccessEvaluator.CanShare(sharing.Grain.OwnerId, sharing.Shares, sharing.Roles, Principal.Account(context.User.AccountId()), role, time.GetUtcNow()))
        {
            case ShareCheck.UnknownRole:
                throw UnknownRole(role, sharing);
            case ShareCheck.WouldEscalate or ShareCheck.NoAccess:
                throw new ShareRequestException(StatusCodes.Status403Forbidden, "You cannot share more than you hold",
                    $"The role '{role}' grants permissions you do not have on this grain.");
        }

        if (record.RoleId == role)
        {
            return;
        }

        log.Add(sharing.Grain, AccessLogActor.From(context), AccessLogActions.ShareChange, record.Id, role,
            $"{Describe(record, await EmailOfAsync(record.ToAccountId, ct))}: {record.RoleId} → {role}");
        record.RoleId = role;
        await db.SaveChangesAsync(ct);
        access.Invalidate(record.GrainId);
    }

    /// <summary>Opens a session through a secret link, as whoever holds it (signed in or not).</summary>
    public async Task<LinkOpened> OpenLinkAsync(string token, HttpContext context, CancellationToken ct)
    {
        var hash = SecretToken.IsWellFormed(token) ? SecretToken.Hash(token) : null;
        var link = hash is null ? null : await db.Shares.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (link is null)
        {
            throw new ShareRequestException(StatusCodes.Status404NotFound, "No such link", "This sharing link does not exist. Check that it was copied completely.");
        }

        var accountId = context.User.Identity?.IsAuthenticated == true ? context.User.AccountId() : null;
        if (link.SignInRequired && accountId is null)
        {
            throw new ShareRequestException(StatusCodes.Status401Unauthorized, "Sign in to open this link",
                "Whoever shared this link asked that only signed-in people open it. Sign in, then open the link again.");
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
            LogLinkRefused(logger, link.GrainId, link.Id);
            throw new ShareRequestException(StatusCodes.Status403Forbidden, "This link no longer works", "The link was revoked or has expired. Ask whoever shared it for a new one.");
        }

        if (sharing!.Grain.TrashedAt is not null)
        {
            throw new ShareRequestException(StatusCodes.Status409Conflict, "This grain is in the trash", "Its owner moved it to the trash.");
        }

        if (accountId is not null && !result.IsOwner && !sharing.Evaluate([Principal.Account(accountId)], time.GetUtcNow()).HasAccess)
        {
            await KeepLinkAsync(link, sharing, accountId, context, ct);
        }

        var grain = await db.Grains.FirstAsync(g => g.Id == link.GrainId, ct);
        var session = await sessions.CreateAsync(grain, accountId, link.Id, result, context.Request, ct, link.Label);
        return new LinkOpened(session, grain.Id, grain.Title, grain.AppId, new AccessResultView(result.IsOwner, result.Roles, result.Permissions));
    }

    /// <summary>
    /// A signed-in person who opens a link keeps the grain, as with Sandstorm's links: a share from the link to them,
    /// with the link's role and expiry, puts it in their list under "Shared with you". Made through the link, it
    /// falls with it: revoking or expiring the link takes it out of their list again, and it never grants more than
    /// the link does.
    /// </summary>
    private async Task KeepLinkAsync(ShareRecord link, GrainSharing sharing, string accountId, HttpContext context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var kept = new ShareRecord
        {
            Id = SecretToken.New(),
            GrainId = link.GrainId,
            FromLinkShareId = link.Id,
            ToAccountId = accountId,
            RoleId = link.RoleId,
            ExpiresAt = link.ExpiresAt,
            CreatedBy = accountId,
            CreatedAt = now,
        };
        db.Shares.Add(kept);
        log.Add(sharing.Grain, AccessLogActor.From(context), AccessLogActions.ShareCreate, kept.Id, kept.RoleId,
            $"kept {Describe(link, null)} in their grains by opening it signed in");
        await db.SaveChangesAsync(ct);
        access.Invalidate(link.GrainId);
        LogShared(logger, link.GrainId, kept.Id, kept.RoleId, "person, by opening a link");
    }

    /// <summary>
    /// Finds a share the caller may revoke or change: the grain's owner or whoever made it. Someone who cannot see
    /// the grain and did not make the share learns nothing about it, not even that it exists.
    /// </summary>
    private async Task<(ShareRecord Record, GrainSharing Sharing)> FindShareToManageAsync(string shareId, ClaimsPrincipal user, string verb, CancellationToken ct)
    {
        var record = await db.Shares.FirstOrDefaultAsync(s => s.Id == shareId, ct);
        var sharing = record is null ? null : await access.LoadAsync(db, record.GrainId, ct);
        var who = Principal.Account(user.AccountId());
        var mayManage = sharing is not null && AccessEvaluator.CanRevoke(sharing.Grain.OwnerId, GrainAccess.ToShare(record!), who);
        if (sharing is null || (!mayManage && !sharing.Evaluate([who], time.GetUtcNow()).HasAccess))
        {
            throw new ShareRequestException(StatusCodes.Status404NotFound, "No such share", $"There is no share {shareId} that you can see.");
        }

        return mayManage
            ? (record!, sharing)
            : throw new ShareRequestException(StatusCodes.Status403Forbidden, $"You cannot {verb} this share", $"Only the grain's owner and whoever made a share can {verb} it.");
    }

    /// <summary>A person by email address, or by name when it names exactly one account.</summary>
    private async Task<Data.Accounts.Account> FindPersonAsync(string person, CancellationToken ct)
    {
        var normalized = person.ToUpperInvariant();
        if (person.Contains('@', StringComparison.Ordinal))
        {
            return await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedEmail == normalized && !a.Disabled, ct)
                ?? throw new ShareRequestException(StatusCodes.Status400BadRequest, "No such person", $"No account of this server has the email address {person}.");
        }

        var named = await db.Accounts.AsNoTracking().Where(a => a.Name.ToUpper() == normalized && !a.Disabled).Take(2).ToListAsync(ct);
        return named.Count switch
        {
            1 => named[0],
            0 => throw new ShareRequestException(StatusCodes.Status400BadRequest, "No such person", $"Nobody on this server is called {person}. Try their email address."),
            _ => throw new ShareRequestException(StatusCodes.Status400BadRequest, "Several people have this name", $"More than one person is called {person}. Use their email address."),
        };
    }

    private static TimeSpan? ParseExpiry(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // Bounded so that "now + duration" cannot overflow; a share meant to last longer simply has no expiry.
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero && parsed <= MaxExpiry
            ? parsed
            : throw new ShareRequestException(StatusCodes.Status400BadRequest, "Invalid expiry",
                $"'{text}' is not a duration between one second and {MaxExpiry.Days} days, such as 7.00:00:00 (seven days).");
    }

    private static string Describe(ShareRecord share, string? email) =>
        share.ToAccountId is not null ? $"with {email}"
        : share.Label is { } label ? $"link “{label}”"
        : "link";

    private Task<string?> EmailOfAsync(string? accountId, CancellationToken ct) =>
        accountId is null ? Task.FromResult<string?>(null) : db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).FirstOrDefaultAsync(ct);

    private string ShellOrigin(HttpRequest request) =>
        string.IsNullOrEmpty(options.Value.BaseUrl) ? $"{request.Scheme}://{request.Host}" : options.Value.BaseUrl.TrimEnd('/');

    private static ShareRequestException UnknownRole(string role, GrainSharing sharing) =>
        new(StatusCodes.Status400BadRequest, "Unknown role", $"This app has no role '{role}'. Its roles: {string.Join(", ", sharing.Roles.Roles.Keys)}.");

    private static ShareRequestException NoSuchGrain(string id) =>
        new(StatusCodes.Status404NotFound, "No such grain", $"There is no grain {id} that you can open.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: share {ShareId} made ({Role}, {Kind})")]
    private static partial void LogShared(ILogger logger, string grainId, string shareId, string role, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: share {ShareId} revoked")]
    private static partial void LogRevoked(ILogger logger, string grainId, string shareId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: link {ShareId} refused (revoked or expired)")]
    private static partial void LogLinkRefused(ILogger logger, string grainId, string shareId);
}
