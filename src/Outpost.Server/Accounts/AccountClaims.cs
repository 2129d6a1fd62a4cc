using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>The claims every signed-in caller carries, whether by cookie or by API token.</summary>
public static class AccountClaims
{
    /// <summary>Claim with the display name (ClaimTypes.Name holds it too; this one survives Identity's user-name claim).</summary>
    public const string DisplayName = "outpost:name";

    /// <summary>Role names used in authorization policies.</summary>
    public static string RoleName(AccountRole role) => role switch
    {
        AccountRole.Admin => "admin",
        AccountRole.User => "user",
        _ => "visitor",
    };

    public static IEnumerable<Claim> For(string accountId, string name, AccountRole role) =>
    [
        new(ClaimTypes.NameIdentifier, accountId),
        new(ClaimTypes.Name, name),
        new(DisplayName, name),
        new(ClaimTypes.Role, RoleName(role)),
    ];

    public static string AccountId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Request is not authenticated.");

    public static string DisplayNameOf(this ClaimsPrincipal user) => user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole("admin");

    /// <summary>Admins and users may install apps and create grains; visitors only open what is shared with them.</summary>
    public static bool CanCreate(this ClaimsPrincipal user) => user.IsInRole("admin") || user.IsInRole("user");
}

/// <summary>Adds Outpost's role and display name to the cookie principal Identity builds at sign-in.</summary>
internal sealed class AccountClaimsFactory(UserManager<Account> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(AccountClaims.DisplayName, user.Name));
        identity.AddClaim(new Claim(ClaimTypes.Role, AccountClaims.RoleName(user.Role)));
        return identity;
    }
}
