using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Outpost.Data.Accounts;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Profile;

/// <summary>
/// Turns two-factor sign-in (TOTP, RFC 6238) on and off and makes recovery codes. The authenticator key is shown
/// in lowercase groups of four, which authenticator apps accept as typed.
/// </summary>
public partial class TwoFactorPage
{
    private const int RecoveryCodeCount = 10;

    private Account _user = default!;
    private bool _enabled;
    private string? _key;
    private string? _formattedKey;
    private string? _uri;
    private int _recoveryCodesLeft;
    private IReadOnlyList<string>? _recoveryCodes;
    private bool _justEnabled;
    private string? _error;

    [Inject]
    private UserManager<Account> Users { get; set; } = default!;

    [Inject]
    private SignInManager<Account> SignInManager { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "enable", Name = "code")]
    private string? Code { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (await Users.GetUserAsync(HttpContext.User) is not { } user)
        {
            Navigation.NavigateTo("/login");
            return;
        }

        _user = user;
        _enabled = await Users.GetTwoFactorEnabledAsync(_user);
        if (_enabled)
        {
            _recoveryCodesLeft = await Users.CountRecoveryCodesAsync(_user);
        }
        else
        {
            await LoadKeyAsync();
        }
    }

    private async Task LoadKeyAsync()
    {
        _key = await Users.GetAuthenticatorKeyAsync(_user);
        if (string.IsNullOrEmpty(_key))
        {
            await Users.ResetAuthenticatorKeyAsync(_user);
            _key = await Users.GetAuthenticatorKeyAsync(_user);

            // A new key also means a new security stamp, which would sign this browser out at the next check.
            await SignInManager.RefreshSignInAsync(_user);
        }

        var grouped = new StringBuilder();
        for (var i = 0; i < _key!.Length; i += 4)
        {
            grouped.Append(_key.AsSpan(i, Math.Min(4, _key.Length - i))).Append(' ');
        }

        _formattedKey = grouped.ToString().TrimEnd().ToLowerInvariant();
        var label = Uri.EscapeDataString($"Outpost:{_user.Email ?? _user.Name}");
        _uri = $"otpauth://totp/{label}?secret={_key}&issuer=Outpost&digits=6";
    }

    private async Task EnableAsync()
    {
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!await Users.VerifyTwoFactorTokenAsync(_user, Users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            _error = "That code is not valid. Check that your phone's clock is right and enter the code the app shows now.";
            return;
        }

        await Users.SetTwoFactorEnabledAsync(_user, true);

        // Shown in this response, not after a redirect: the codes are secrets and must not pass through a cookie
        // or an address bar.
        _recoveryCodes = (await Users.GenerateNewTwoFactorRecoveryCodesAsync(_user, RecoveryCodeCount))?.ToList() ?? [];
        _justEnabled = true;
        _enabled = true;
        await SignInManager.RefreshSignInAsync(_user);
    }

    private async Task NewRecoveryCodesAsync()
    {
        if (!_enabled)
        {
            return;
        }

        _recoveryCodes = (await Users.GenerateNewTwoFactorRecoveryCodesAsync(_user, RecoveryCodeCount))?.ToList() ?? [];
        await SignInManager.RefreshSignInAsync(_user);
    }

    private async Task DisableAsync()
    {
        await Users.SetTwoFactorEnabledAsync(_user, false);

        // A fresh key for next time: the old one may sit in an app on a phone that is gone.
        await Users.ResetAuthenticatorKeyAsync(_user);
        await SignInManager.ForgetTwoFactorClientAsync();
        await SignInManager.RefreshSignInAsync(_user);
        Flash.Set(HttpContext, "Two-factor sign-in is off.", FlashKind.Info);
        Navigation.NavigateTo("/account/2fa");
    }
}
