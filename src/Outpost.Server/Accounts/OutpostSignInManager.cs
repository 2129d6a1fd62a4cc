using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>
/// Identity's sign-in manager, plus one rule: a disabled account cannot sign in by any route (password, two-factor,
/// passkey) and its existing cookies stop working at the next security-stamp check.
/// </summary>
internal sealed class OutpostSignInManager(
    UserManager<Account> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<Account> claimsFactory,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<Account>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Account> confirmation)
    : SignInManager<Account>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Account user) => !user.Disabled && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(Account? user, string? securityStamp) =>
        user is { Disabled: false } && await base.ValidateSecurityStampAsync(user, securityStamp);
}
