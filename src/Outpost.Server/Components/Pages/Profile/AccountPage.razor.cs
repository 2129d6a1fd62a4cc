using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Outpost.Data.Accounts;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Profile;

/// <summary>The signed-in person's own account: password, two-factor, passkeys, signing out everywhere.</summary>
public partial class AccountPage
{
    private Account? _user;
    private bool _twoFactor;
    private IReadOnlyList<string> _passwordErrors = [];

    [Inject]
    private UserManager<Account> Users { get; set; } = default!;

    [Inject]
    private SignInManager<Account> SignInManager { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "password", Name = "currentPassword")]
    private string? CurrentPassword { get; set; }

    [SupplyParameterFromForm(FormName = "password", Name = "newPassword")]
    private string? NewPassword { get; set; }

    private string RoleText => _user?.Role switch
    {
        AccountRole.Admin => "Administrator",
        AccountRole.User => "User",
        _ => "Visitor",
    };

    protected override async Task OnInitializedAsync()
    {
        _user = await Users.GetUserAsync(HttpContext.User);
        if (_user is null)
        {
            Navigation.NavigateTo("/login"); // the account was deleted under a still-valid cookie
            return;
        }

        _twoFactor = await Users.GetTwoFactorEnabledAsync(_user);
    }

    private async Task ChangePasswordAsync()
    {
        var result = await Users.ChangePasswordAsync(_user!, CurrentPassword ?? "", NewPassword ?? "");
        if (!result.Succeeded)
        {
            _passwordErrors = result.Errors.Select(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "Your current password is not right." : e.Description).ToList();
            return;
        }

        // The change gave the account a new security stamp, which ends every other sign-in; keep this one.
        await SignInManager.RefreshSignInAsync(_user!);
        Flash.Set(HttpContext, "Your password was changed. Other devices are signed out.");
        Navigation.NavigateTo("/account");
    }

    private async Task SignOutEverywhereAsync()
    {
        await Users.UpdateSecurityStampAsync(_user!);
        await SignInManager.SignOutAsync();
        Flash.Set(HttpContext, "You were signed out on every device.", FlashKind.Info);
        Navigation.NavigateTo("/login");
    }
}
