using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>
/// Single-use links that create accounts: the first-run setup link (which gives the built-in admin account its
/// name, email and password) and the invitations admins hand out.
/// </summary>
internal sealed partial class InvitationService(OutpostDbContext db, UserManager<Account> users, TimeProvider time, ILogger<InvitationService> logger)
{
    /// <summary>How long a setup link stays valid.</summary>
    public static readonly TimeSpan SetupLifetime = TimeSpan.FromHours(1);

    /// <summary>How long an invitation stays valid by default.</summary>
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// Returns a new setup token when the admin account has no way to sign in yet (no password, no passkey), and
    /// null once setup is done. Older unused setup links stop working.
    /// </summary>
    public async Task<string?> CreateSetupTokenIfNeededAsync(CancellationToken ct)
    {
        var admin = await users.FindByIdAsync(Account.AdminId);
        if (admin is null || admin.PasswordHash is not null || (await users.GetPasskeysAsync(admin)).Count > 0)
        {
            return null;
        }

        await db.Invitations.Where(i => i.Kind == InvitationKind.Setup && i.UsedAt == null).ExecuteDeleteAsync(ct);
        return await CreateAsync(InvitationKind.Setup, AccountRole.Admin, note: "first-run setup", createdBy: null, SetupLifetime, ct);
    }

    /// <summary>Creates an invitation for a new account with <paramref name="role"/>; returns the token for the link.</summary>
    public Task<string> InviteAsync(AccountRole role, string? note, string createdBy, TimeSpan? lifetime, CancellationToken ct) =>
        CreateAsync(InvitationKind.Invite, role, note, createdBy, lifetime ?? InviteLifetime, ct);

    /// <summary>Checks a link without using it, so the page can say at once that it is used or expired.</summary>
    public async Task<InvitationCheck> CheckAsync(string token, InvitationKind kind, CancellationToken ct)
    {
        var invitation = await FindAsync(token, kind, ct);
        return invitation is null ? InvitationCheck.Unknown
            : invitation.UsedAt is not null ? InvitationCheck.Used
            : invitation.ExpiresAt <= time.GetUtcNow() ? InvitationCheck.Expired
            : InvitationCheck.Valid;
    }

    /// <summary>
    /// Uses the link: creates the account (or, for setup, completes the admin account). Returns the account, or
    /// the reasons it was refused (for the form to show).
    /// </summary>
    public async Task<(Account? Account, IReadOnlyList<string> Errors)> RedeemAsync(string token, InvitationKind kind, string name, string email, string password, CancellationToken ct)
    {
        var invitation = await FindAsync(token, kind, ct);
        var check = invitation is null ? InvitationCheck.Unknown
            : invitation.UsedAt is not null ? InvitationCheck.Used
            : invitation.ExpiresAt <= time.GetUtcNow() ? InvitationCheck.Expired
            : InvitationCheck.Valid;
        if (check != InvitationCheck.Valid)
        {
            return (null, [Describe(check, kind)]);
        }

        name = name.Trim();
        email = email.Trim();
        if (name.Length is 0 or > 100)
        {
            return (null, ["Enter your name (at most 100 characters)."]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        Account account;
        IdentityResult result;
        if (kind == InvitationKind.Setup)
        {
            account = (await users.FindByIdAsync(Account.AdminId))!;
            account.Name = name;
            account.Email = email;
            account.UserName = email;
            result = await users.UpdateAsync(account);
            if (result.Succeeded)
            {
                result = await users.AddPasswordAsync(account, password);
            }
        }
        else
        {
            account = new Account { Name = name, Email = email, UserName = email, Role = invitation!.Role, CreatedAt = time.GetUtcNow() };
            result = await users.CreateAsync(account, password);
        }

        if (!result.Succeeded)
        {
            return (null, result.Errors.Select(e => e.Description).ToList());
        }

        // Marked used in the same transaction, and only if still unused: two tabs racing get one account.
        var marked = await db.Invitations.Where(i => i.Id == invitation!.Id && i.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.UsedAt, time.GetUtcNow()).SetProperty(i => i.UsedBy, account.Id), ct);
        if (marked != 1)
        {
            return (null, [Describe(InvitationCheck.Used, kind)]);
        }

        await transaction.CommitAsync(ct);
        LogRedeemed(logger, kind, account.Id);
        return (account, []);
    }

    public static string Describe(InvitationCheck check, InvitationKind kind) => (check, kind) switch
    {
        (InvitationCheck.Used, InvitationKind.Setup) => "This setup link was already used. Sign in with the admin account instead.",
        (InvitationCheck.Expired, InvitationKind.Setup) => "This setup link has expired. Restart Outpost to print a new one.",
        (InvitationCheck.Used, _) => "This invitation was already used. Ask your administrator for a new one.",
        (InvitationCheck.Expired, _) => "This invitation has expired. Ask your administrator for a new one.",
        (_, InvitationKind.Setup) => "This setup link is not valid. Use the link Outpost printed when it started.",
        _ => "This invitation link is not valid. Check that you copied all of it.",
    };

    private async Task<string> CreateAsync(InvitationKind kind, AccountRole role, string? note, string? createdBy, TimeSpan lifetime, CancellationToken ct)
    {
        var token = SecretToken.New();
        var now = time.GetUtcNow();
        db.Invitations.Add(new Invitation
        {
            Id = SecretToken.New(),
            Kind = kind,
            TokenHash = SecretToken.Hash(token),
            Role = role,
            Note = note,
            CreatedBy = createdBy,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    private Task<Invitation?> FindAsync(string token, InvitationKind kind, CancellationToken ct)
    {
        if (!SecretToken.IsWellFormed(token))
        {
            return Task.FromResult<Invitation?>(null);
        }

        var hash = SecretToken.Hash(token);
        return db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash && i.Kind == kind, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} link used: account {AccountId}")]
    private static partial void LogRedeemed(ILogger logger, InvitationKind kind, string accountId);
}

/// <summary>The state of an invitation or setup link.</summary>
public enum InvitationCheck
{
    Unknown,
    Valid,
    Used,
    Expired,
}
