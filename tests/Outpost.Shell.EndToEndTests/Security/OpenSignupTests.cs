using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Security;

/// <summary>Sign-up without an invitation: closed by default, opened by an admin on Admin → Settings.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class OpenSignupTests(Chromium chromium)
{
    [Fact]
    public async Task Signup_ClosedThenOpenedByAdmin_SaysClosedThenCreatesAUserAccount()
    {
        await using var host = await OutpostHost.StartAsync();
        var admin = Person.Named("Ada");
        await Seed.AccountAsync(host, admin, AccountRole.Admin);
        var bea = Person.Named("Bea");
        await using var visitorContext = await chromium.NewContextAsync(host.BaseUrl);
        var visitor = await visitorContext.NewPageAsync();
        await using var adminContext = await chromium.NewContextAsync(host.BaseUrl);
        var adminPage = await adminContext.NewPageAsync();

        await Evidence.OnFailureAsync(visitor, async () =>
        {
            await visitor.GotoAsync("/signup");
            await Expect(visitor.GetByRole(AriaRole.Status)).ToContainTextAsync("Sign-up is closed on this server.");
            await Expect(visitor.Locator("input[name=password]")).ToHaveCountAsync(0);
            await visitor.GotoAsync("/login");
            await Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "create an account" })).ToHaveCountAsync(0);
        });

        await Evidence.OnFailureAsync(adminPage, async () =>
        {
            await ShellPages.SignInAsync(adminPage, admin);
            await adminPage.GotoAsync("/admin/settings");
            var openSignup = adminPage.Locator("input[name=OpenSignup]");
            await Expect(openSignup).Not.ToBeCheckedAsync();
            await openSignup.CheckAsync();
            await ShellPages.Button(adminPage, "Save settings").ClickAsync();
            await Expect(adminPage.Locator(".toast")).ToContainTextAsync("Settings saved.");
            await Expect(adminPage.Locator("input[name=OpenSignup]")).ToBeCheckedAsync();
        });

        await Evidence.OnFailureAsync(visitor, async () =>
        {
            await visitor.ReloadAsync();
            await visitor.GetByRole(AriaRole.Link, new() { Name = "create an account" }).ClickAsync();
            await Expect(visitor).ToHaveURLAsync(ShellPages.PathIs("/signup"));
            await ShellPages.CreateAccountAsync(visitor, bea, "Create account");
            await Expect(visitor).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Grains" })).ToBeVisibleAsync();

            await visitor.GotoAsync("/account");
            await Expect(visitor.Locator(".page-lead")).ToContainTextAsync($"{bea.Name} ({bea.Email}) · User");
        });

        await Evidence.OnFailureAsync(adminPage, async () =>
        {
            await adminPage.GotoAsync("/admin/users");
            var row = adminPage.Locator("tr[data-account-id]", new() { HasText = bea.Email });
            await Expect(row.Locator("select[name=role]")).ToHaveValueAsync("User");
        });
    }
}
