using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Outpost.Shell.EndToEndTests.Accounts;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Browser;

/// <summary>What a person does in the shell, step by step, through the pages' visible fields and buttons.</summary>
internal static partial class ShellPages
{
    /// <summary>Fills the account form (setup, invitation, sign-up) and submits it with <paramref name="button"/>.</summary>
    public static async Task CreateAccountAsync(IPage page, Person person, string button)
    {
        await page.Locator("input[name=name]").FillAsync(person.Name);
        await page.Locator("input[name=email]").FillAsync(person.Email);
        await page.Locator("input[name=password]").FillAsync(person.Password);
        await Button(page, button).ClickAsync();
    }

    /// <summary>Follows the setup link and creates the admin account; ends signed in on the grains page.</summary>
    public static async Task SetUpAsync(IPage page, string setupUrl, Person admin)
    {
        await page.GotoAsync(setupUrl);
        await CreateAccountAsync(page, admin, "Create admin account");
        await Expect(page).ToHaveURLAsync(HomeUrl());
    }

    /// <summary>Submits the sign-in form. Does not check the outcome: refusals are tested too.</summary>
    public static async Task SubmitSignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await page.Locator("input[name=email]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync(password);
        await Button(page, "Sign in").ClickAsync();
    }

    public static async Task SignInAsync(IPage page, Person person)
    {
        await SubmitSignInAsync(page, person.Email, person.Password);
        await Expect(page).ToHaveURLAsync(HomeUrl());
    }

    /// <summary>Signs out with the button in the top bar's user menu, opening the menu first when it is collapsed.</summary>
    public static async Task SignOutAsync(IPage page)
    {
        var signOut = Button(page, "Sign out");
        if (!await signOut.IsVisibleAsync())
        {
            await page.Locator("header [data-user-menu]").ClickAsync();
        }

        await signOut.ClickAsync();
        await Expect(signOut).ToHaveCountAsync(0);
    }

    /// <summary>Uploads a package on the Apps page and waits until the app is listed.</summary>
    public static async Task InstallAsync(IPage page, string opkPath, string appId)
    {
        await page.GotoAsync("/apps");
        await page.Locator("input[type=file][name=package]").SetInputFilesAsync(opkPath);
        await Button(page, "Install").ClickAsync();
        await Expect(page.Locator($"[data-app-id=\"{appId}\"]")).ToBeVisibleAsync();
    }

    /// <summary>Creates a grain with an app's action from the grains page; returns the new grain's id once its page is open.</summary>
    public static async Task<string> NewGrainAsync(IPage page, string appId, string actionId)
    {
        await page.GotoAsync("/");
        await page.Locator($"[data-new-action=\"{appId}:{actionId}\"]").ClickAsync();
        await Expect(page).ToHaveURLAsync(GrainUrl());
        return GrainUrl().Match(page.Url).Groups["id"].Value;
    }

    /// <summary>The notes app inside the grain view's iframe.</summary>
    public static IFrameLocator GrainFrame(IPage page) => page.FrameLocator("#grain-frame");

    /// <summary>Writes a new note in the notes app and waits for its autosave.</summary>
    public static async Task WriteNoteAsync(IPage page, string title, string body)
    {
        var notes = GrainFrame(page);
        await notes.Locator("#new-note").ClickAsync();
        await notes.Locator("#title").FillAsync(title);
        await notes.Locator("#body").FillAsync(body);
        await Expect(notes.Locator("#save-status")).ToHaveTextAsync("Saved");
    }

    /// <summary>Turns on two-factor on /account/2fa with a code computed from the key shown; returns the key and the recovery codes shown once.</summary>
    public static async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> EnableTwoFactorAsync(IPage page)
    {
        await page.GotoAsync("/account/2fa");
        var key = await page.Locator("[data-totp-key]").InnerTextAsync();
        await page.Locator("input[name=code]").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await Button(page, "Enable two-factor").ClickAsync();
        var codes = page.Locator("[data-recovery-codes] li");
        await Expect(codes.First).ToBeVisibleAsync();
        return (key, (await codes.AllInnerTextsAsync()).Select(c => c.Trim()).ToList());
    }

    public static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Alert(IPage page) => page.Locator("[role=alert]");

    /// <summary>The grains page, with or without a query string.</summary>
    public static Regex HomeUrl() => HomeUrlRegex();

    public static Regex GrainUrl() => GrainUrlRegex();

    /// <summary>A page of the shell by its path, whatever the query string.</summary>
    public static Regex PathIs(string path) => new($"^https?://[^/]+{Regex.Escape(path)}(\\?.*)?$");

    [GeneratedRegex(@"^https?://[^/]+/(\?.*)?$")]
    private static partial Regex HomeUrlRegex();

    [GeneratedRegex(@"/grains/(?<id>[0-9a-f]{32})(\?.*)?$")]
    private static partial Regex GrainUrlRegex();
}
