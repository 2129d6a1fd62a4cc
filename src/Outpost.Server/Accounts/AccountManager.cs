using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>Administration of people: list, change role, disable. The built-in admin can be neither demoted nor disabled.</summary>
internal sealed partial class AccountManager(OutpostDbContext db, UserManager<Account> users, ILogger<AccountManager> logger)
{
    public async Task<List<AccountSummary>> ListAsync(CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking().ToListAsync(ct);
        var grains = await db.Grains.GroupBy(g => g.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return accounts
            .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .Select(a => new AccountSummary
            {
                Id = a.Id,
                Name = a.Name,
                Email = a.Email,
                Role = a.Role,
                Disabled = a.Disabled,
                TwoFactor = a.TwoFactorEnabled,
                CreatedAt = a.CreatedAt,
                GrainCount = grains.GetValueOrDefault(a.Id),
                SetUp = a.PasswordHash is not null,
            })
            .ToList();
    }

    /// <summary>Changes role and/or disabled state; returns an error message, or null on success.</summary>
    public async Task<string?> UpdateAsync(string accountId, AccountRole? role, bool? disabled, string actingAdminId)
    {
        var account = await users.FindByIdAsync(accountId);
        if (account is null)
        {
            return "No such account.";
        }

        if (account.Id == Account.AdminId && (role is not null and not AccountRole.Admin || disabled == true))
        {
            return "The built-in admin account can be neither demoted nor disabled.";
        }

        if (account.Id == actingAdminId && disabled == true)
        {
            return "You cannot disable your own account.";
        }

        account.Role = role ?? account.Role;
        account.Disabled = disabled ?? account.Disabled;
        var result = await users.UpdateAsync(account);
        if (!result.Succeeded)
        {
            return string.Join(" ", result.Errors.Select(e => e.Description));
        }

        // New stamp: existing cookies are re-checked and pick up the new role, or stop working when disabled.
        await users.UpdateSecurityStampAsync(account);
        LogUpdated(logger, account.Id, account.Role, account.Disabled, actingAdminId);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId} now {Role}, disabled: {Disabled} (by {AdminId})")]
    private static partial void LogUpdated(ILogger logger, string accountId, AccountRole role, bool disabled, string adminId);
}

/// <summary>An account as admin pages and the API show it.</summary>
public sealed record AccountSummary
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Email { get; init; }

    public AccountRole Role { get; init; }

    public bool Disabled { get; init; }

    public bool TwoFactor { get; init; }

    /// <summary>False for the built-in admin until the setup link has been used.</summary>
    public bool SetUp { get; init; }

    public int GrainCount { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
