using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Refusals;

/// <summary>Links and sign-ins that must be refused, each with a message a person understands, in a real browser.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class AccountRefusalTests(Chromium chromium)
{
    [Fact]
    public async Task SetupLink_UsedTwice_SaysAlreadyUsedAndShowsNoForm()
    {
        await using var host = await OutpostHost.StartAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString())!;
        await using var firstContext = await chromium.NewContextAsync(host.BaseUrl);
        var first = await firstContext.NewPageAsync();
        await Evidence.OnFailureAsync(first, () => ShellPages.SetUpAsync(first, setupUrl, Person.Admin));

        await using var secondContext = await chromium.NewContextAsync(host.BaseUrl);
        var second = await secondContext.NewPageAsync();
        await Evidence.OnFailureAsync(second, async () =>
        {
            await second.GotoAsync(setupUrl);

            await Expect(ShellPages.Alert(second)).ToContainTextAsync("already used");
            await Expect(second.Locator("input[name=password]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task SetupLink_Unknown_SaysNotValidAndShowsNoForm()
    {
        await using var host = await OutpostHost.StartAsync();
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/setup/" + new string('0', 32));

            await Expect(ShellPages.Alert(page)).ToContainTextAsync("not valid");
            await Expect(page.Locator("input[name=password]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Invitation_Expired_SaysExpiredAndShowsNoForm()
    {
        await using var host = await OutpostHost.StartAsync();
        var token = await Seed.InvitationAsync(host, AccountRole.User, expiresAt: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/invite/" + token);

            await Expect(ShellPages.Alert(page)).ToContainTextAsync("expired");
            await Expect(page.Locator("input[name=password]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Invitation_Valid_CreatesAccountSignsInAndCannotBeUsedAgain()
    {
        await using var host = await OutpostHost.StartAsync();
        var token = await Seed.InvitationAsync(host, AccountRole.User, expiresAt: DateTimeOffset.UtcNow + TimeSpan.FromDays(1));
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();
        var bea = Person.Named("Bea");

        await Evidence.OnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/invite/" + token);
            await ShellPages.CreateAccountAsync(page, bea, "Create account");
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Grains" })).ToBeVisibleAsync();

            await page.GotoAsync("/invite/" + token);
            await Expect(ShellPages.Alert(page)).ToContainTextAsync("already used");
            await Expect(page.Locator("input[name=password]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task SignIn_WrongPassword_SaysWrongEmailOrPassword()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password + "!");

            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Wrong email or password.");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
    }

    [Fact]
    public async Task SignIn_AfterFiveWrongPasswords_SaysLockedEvenWithTheRightPassword()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            for (var attempt = 1; attempt <= 4; attempt++)
            {
                await ShellPages.SubmitSignInAsync(page, bea.Email, $"wrong guess number {attempt}");
                await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Wrong email or password.");
            }

            // The fifth failure locks the account; that attempt may already say so.
            await ShellPages.SubmitSignInAsync(page, bea.Email, "wrong guess number 5");
            await Expect(ShellPages.Alert(page)).ToBeVisibleAsync();

            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password);
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("Too many failed attempts. This account is locked for 15 minutes.");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
    }

    [Fact]
    public async Task SignIn_DisabledAccount_SaysDisabled()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        var id = await Seed.AccountAsync(host, bea, AccountRole.User);
        await Seed.DisableAsync(host, id);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password);

            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("This account is disabled.");
        });
    }

    [Fact]
    public async Task SignIn_TwoFactorWrongThenRightCode_RefusesThenSignsIn()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        var id = await Seed.AccountAsync(host, bea, AccountRole.User);
        var key = await Seed.TwoFactorAsync(host, id);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password);
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login/2fa"));

            // A code from an hour ago: well-formed, never valid now (Identity accepts ±90 s).
            await page.Locator("input[name=code]").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow.AddHours(-1)));
            await ShellPages.Button(page, "Verify").ClickAsync();
            await Expect(ShellPages.Alert(page)).ToHaveTextAsync("That code is not valid.");

            await page.Locator("input[name=code]").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await ShellPages.Button(page, "Verify").ClickAsync();
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Grains" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task EnableTwoFactor_WithAuthenticatorCode_ShowsRecoveryCodesAndAsksForACodeAtNextSignIn()
    {
        await using var host = await OutpostHost.StartAsync();
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            var (key, codes) = await ShellPages.EnableTwoFactorAsync(page);
            Assert.InRange(codes.Count, 5, 20);
            Assert.DoesNotContain(codes, string.IsNullOrWhiteSpace);

            await ShellPages.SignOutAsync(page);
            await ShellPages.SubmitSignInAsync(page, bea.Email, bea.Password);
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login/2fa"));
            await page.Locator("input[name=code]").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await ShellPages.Button(page, "Verify").ClickAsync();
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
        });
    }
}
