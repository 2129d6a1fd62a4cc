using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Outpost.Data.Accounts;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.SignIn;

/// <summary>
/// The second step of a sign-in with two-factor on: a code from the authenticator app, or a recovery code.
/// Identity remembers who passed the first step in its short-lived two-factor cookie.
/// </summary>
public partial class LoginTwoFactor
{
    /// <summary>The message for a wrong authenticator code.</summary>
    public const string InvalidCode = "That code is not valid.";

    private string? _error;

    [Inject]
    private SignInManager<Account> SignInManager { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "remember")]
    private bool Remember { get; set; }

    [SupplyParameterFromQuery(Name = "mode")]
    private string? Mode { get; set; }

    [SupplyParameterFromForm(FormName = "totp", Name = "code")]
    private string? Code { get; set; }

    [SupplyParameterFromForm(FormName = "totp", Name = "rememberDevice")]
    private bool RememberDevice { get; set; }

    [SupplyParameterFromForm(FormName = "recovery", Name = "recoveryCode")]
    private string? RecoveryCode { get; set; }

    private bool RecoveryMode => Mode == "recovery";

    protected override async Task OnInitializedAsync()
    {
        // Reached without passing the password step (or after the two-factor cookie expired): start over.
        if (await SignInManager.GetTwoFactorAuthenticationUserAsync() is null)
        {
            Navigation.NavigateTo("/login");
        }
    }

    private string ModeUrl(bool recovery) =>
        $"/login/2fa?ReturnUrl={Uri.EscapeDataString(LocalUrl.OrHome(ReturnUrl))}&remember={Remember.ToString().ToLowerInvariant()}" + (recovery ? "&mode=recovery" : "");

    private async Task VerifyCodeAsync()
    {
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = await SignInManager.TwoFactorAuthenticatorSignInAsync(code, Remember, RememberDevice);
        Finish(result, InvalidCode);
    }

    private async Task VerifyRecoveryCodeAsync()
    {
        var code = (RecoveryCode ?? "").Replace(" ", "", StringComparison.Ordinal);
        var result = await SignInManager.TwoFactorRecoveryCodeSignInAsync(code);
        Finish(result, InvalidCode + " Each recovery code works only once.");
    }

    private void Finish(SignInResult result, string invalid)
    {
        if (result.Succeeded)
        {
            Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl));
        }
        else
        {
            _error = result.IsLockedOut ? Login.LockedOut : result.IsNotAllowed ? Login.Disabled : invalid;
        }
    }
}
