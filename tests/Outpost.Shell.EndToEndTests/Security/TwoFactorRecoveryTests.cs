using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Security;

/// <summary>Lost phone: a recovery code, saved when two-factor was turned on, signs in once and only once.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class TwoFactorRecoveryTests(Chromium chromium)
{
    [Fact]
    public async Task RecoveryCode_UsedOnceThenAgain_SignsInThenIsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            var (_, codes) = await ShellPages.EnableTwoFactorAsync(page);
            var total = codes.Count;
            var recoveryCode = codes[3];
            Assert.False(string.IsNullOrEmpty(recoveryCode));

            await ShellPages.SignOutAsync(page);
            await SubmitRecoveryCodeAsync(page, bea, recoveryCode);
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Grains" })).ToBeVisibleAsync();

            // The used code is gone from the count the two-factor page shows.
            await page.GotoAsync("/account/2fa");
            await Expect(page.GetByText("recovery codes left")).ToContainTextAsync($"You have {total - 1} recovery codes left.");

            await ShellPages.SignOutAsync(page);
            await SubmitRecoveryCodeAsync(page, bea, recoveryCode);
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("That code is not valid. Each recovery code works only once.");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login/2fa"));
            await page.GotoAsync("/account");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
    }

    /// <summary>Password first, then "Use a recovery code" on the code page, then the code.</summary>
    private static async Task SubmitRecoveryCodeAsync(IPage page, Person person, string recoveryCode)
    {
        await ShellPages.SubmitSignInAsync(page, person.Email, person.Password);
        await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login/2fa"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Use a recovery code" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/login/2fa\?.*mode=recovery"));
        await page.Locator("input[name=recoveryCode]").FillAsync(recoveryCode);
        await ShellPages.Button(page, "Verify").ClickAsync();
    }
}
