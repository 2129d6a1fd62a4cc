using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Security;

/// <summary>Changing the password on Account and security: what signs in afterwards, and what is refused.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class PasswordChangeTests(Chromium chromium)
{
    private const string NewPassword = "quiet harbour lantern 17";

    [Fact]
    public async Task ChangePassword_StrongNewPassword_OldOneIsRefusedNewOneSignsIn()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            await ChangePasswordAsync(page, bea.Password, NewPassword);
            await Expect(page.Locator(".toast")).ToContainTextAsync("Your password was changed.");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/account"));

            await ShellPages.SignOutAsync(page);
            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password);
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Wrong email or password.");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));

            await ShellPages.SignInAsync(page, bea with { Password = NewPassword });
        });
    }

    [Fact]
    public async Task ChangePassword_BreachedNewPassword_IsRefusedWithBreachListMessageAndOldOneStillSignsIn()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            await ChangePasswordAsync(page, bea.Password, "password123");
            await Expect(ShellPages.Alert(page)).ToContainTextAsync("This password appears in lists of breached passwords.");

            await ShellPages.SignOutAsync(page);
            await ShellPages.SubmitSignInAsync(page, bea.Email, "password123");
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Wrong email or password.");
            await ShellPages.SignInAsync(page, bea);
        });
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_IsRefusedAndOldOneStillSignsIn()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            await ChangePasswordAsync(page, bea.Password + "!", NewPassword);
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Your current password is not right.");

            await ShellPages.SignOutAsync(page);
            await ShellPages.SubmitSignInAsync(page, bea.Email, NewPassword);
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Wrong email or password.");
            await ShellPages.SignInAsync(page, bea);
        });
    }

    [Fact]
    public async Task ChangePassword_SignedInOnTwoBrowsers_SignsOutTheOtherAndKeepsThisOne()
    {
        // Cookies are checked against the account on every request instead of once a minute.
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:SignInCheckInterval"] = "00:00:00" });
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var laptopContext = await chromium.NewContextAsync(host.BaseUrl);
        var laptop = await laptopContext.NewPageAsync();
        await using var phoneContext = await chromium.NewContextAsync(host.BaseUrl);
        var phone = await phoneContext.NewPageAsync();

        await Evidence.OnFailureAsync(phone, () => ShellPages.SignInAsync(phone, bea));
        await Evidence.OnFailureAsync(laptop, async () =>
        {
            await ShellPages.SignInAsync(laptop, bea);
            await ChangePasswordAsync(laptop, bea.Password, NewPassword);
            await Expect(laptop.Locator(".toast")).ToContainTextAsync("Your password was changed.");

            await laptop.GotoAsync("/");
            await Expect(laptop).ToHaveURLAsync(ShellPages.HomeUrl());
        });
        await Evidence.OnFailureAsync(phone, async () =>
        {
            await phone.GotoAsync("/");
            await Expect(phone).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
    }

    private static async Task ChangePasswordAsync(IPage page, string current, string next)
    {
        await page.GotoAsync("/account");
        await page.Locator("input[name=currentPassword]").FillAsync(current);
        await page.Locator("input[name=newPassword]").FillAsync(next);
        await ShellPages.Button(page, "Change password").ClickAsync();
    }
}
