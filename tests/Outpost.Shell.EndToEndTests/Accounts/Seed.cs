using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Shell.EndToEndTests.Accounts;

/// <summary>
/// Puts accounts and links straight into a test server's database, for tests about something else than how they
/// are made (the journey test makes its admin through the real setup page).
/// </summary>
internal static class Seed
{
    public static async Task<string> AccountAsync(OutpostHost host, Person person, AccountRole role)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = new Account { Name = person.Name, Email = person.Email, UserName = person.Email, Role = role, CreatedAt = DateTimeOffset.UtcNow };
        Check(await users.CreateAsync(account, person.Password));
        return account.Id;
    }

    /// <summary>Turns on two-factor sign-in with a new authenticator key; returns the key (base32).</summary>
    public static async Task<string> TwoFactorAsync(OutpostHost host, string accountId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = await users.FindByIdAsync(accountId) ?? throw new InvalidOperationException($"No account {accountId}.");
        Check(await users.ResetAuthenticatorKeyAsync(account));
        Check(await users.SetTwoFactorEnabledAsync(account, true));
        return await users.GetAuthenticatorKeyAsync(account) ?? throw new InvalidOperationException("No authenticator key was stored.");
    }

    public static async Task DisableAsync(OutpostHost host, string accountId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = await users.FindByIdAsync(accountId) ?? throw new InvalidOperationException($"No account {accountId}.");
        account.Disabled = true;
        Check(await users.UpdateAsync(account));
    }

    /// <summary>Stores an invitation link valid until <paramref name="expiresAt"/> (in the past for an expired one); returns its token.</summary>
    public static async Task<string> InvitationAsync(OutpostHost host, AccountRole role, DateTimeOffset expiresAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var token = SecretToken.New();
        db.Invitations.Add(new Invitation
        {
            Id = SecretToken.New(),
            Kind = InvitationKind.Invite,
            TokenHash = SecretToken.Hash(token),
            Role = role,
            Note = "test",
            CreatedBy = Account.AdminId,
            CreatedAt = expiresAt - TimeSpan.FromDays(7),
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync();
        return token;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
