using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Outpost.Data.Accounts;
using Outpost.Server.Hosting;
using Outpost.Server.Settings;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.SignIn;

/// <summary>Password sign-in: wrong credentials, lockout and disabled accounts each get their own message.</summary>
public partial class Login
{
    /// <summary>Shown for an unknown account and for a wrong password alike, so the page does not reveal who has an account.</summary>
    public const string WrongCredentials = "Wrong email or password.";

    public const string LockedOut = "Too many failed attempts. This account is locked for 15 minutes.";

    public const string Disabled = "This account is disabled.";

    private string? _error;
    private bool _signupOpen;

    [Inject]
    private UserManager<Account> Users { get; set; } = default!;

    [Inject]
    private SignInManager<Account> SignInManager { get; set; } = default!;

    [Inject]
    private SettingsStore Settings { get; set; } = default!;

    [Inject]
    private IOptions<OutpostOptions> Options { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [SupplyParameterFromForm(FormName = "login", Name = "email")]
    private string? Email { get; set; }

    [SupplyParameterFromForm(FormName = "login", Name = "password")]
    private string? Password { get; set; }

    [SupplyParameterFromForm(FormName = "login", Name = "remember")]
    private bool Remember { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (HttpMethods.IsGet(HttpContext.Request.Method) && HttpContext.User.Identity?.IsAuthenticated == true)
        {
            Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl));
            return;
        }

        var stored = await Settings.GetAllAsync(CancellationToken.None);
        _signupOpen = stored.TryGetValue("OpenSignup", out var value) ? value == "true" : Options.Value.OpenSignup;
    }

    private async Task SignInAsync()
    {
        var login = Email?.Trim() ?? "";
        var user = login.Contains('@', StringComparison.Ordinal)
            ? await Users.FindByEmailAsync(login) ?? await Users.FindByNameAsync(login)
            : await Users.FindByNameAsync(login);
        if (user is null || string.IsNullOrEmpty(Password))
        {
            _error = WrongCredentials;
            return;
        }

        if (user.Disabled)
        {
            // The sign-in manager refuses disabled accounts before it looks at the password; say "disabled" only
            // to someone who knows the password, and count wrong guesses as usual.
            if (await Users.IsLockedOutAsync(user))
            {
                _error = LockedOut;
            }
            else if (await Users.CheckPasswordAsync(user, Password))
            {
                _error = Disabled;
            }
            else
            {
                await Users.AccessFailedAsync(user);
                _error = await Users.IsLockedOutAsync(user) ? LockedOut : WrongCredentials;
            }

            return;
        }

        var result = await SignInManager.PasswordSignInAsync(user, Password, Remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl));
        }
        else if (result.RequiresTwoFactor)
        {
            Navigation.NavigateTo($"/login/2fa?ReturnUrl={Uri.EscapeDataString(LocalUrl.OrHome(ReturnUrl))}&remember={Remember.ToString().ToLowerInvariant()}");
        }
        else
        {
            _error = result.IsLockedOut ? LockedOut : WrongCredentials;
        }
    }
}
