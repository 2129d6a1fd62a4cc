using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Security;

/// <summary>"Sign out everywhere" ends every browser's sign-in to the account, the one pressing it included.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class SignOutEverywhereTests(Chromium chromium)
{
    [Fact]
    public async Task SignOutEverywhere_SignedInOnTwoBrowsers_BothLandOnSignInAtTheirNextPage()
    {
        // In production a cookie is checked against the account once a minute; here on every request.
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:SignInCheckInterval"] = "00:00:00" });
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var laptopContext = await chromium.NewContextAsync(host.BaseUrl);
        var laptop = await laptopContext.NewPageAsync();
        await using var phoneContext = await chromium.NewContextAsync(host.BaseUrl);
        var phone = await phoneContext.NewPageAsync();

        await Evidence.OnFailureAsync(phone, async () =>
        {
            await ShellPages.SignInAsync(phone, bea);
            await phone.GotoAsync("/account");
            await Expect(phone).ToHaveURLAsync(ShellPages.PathIs("/account"));
        });
        await Evidence.OnFailureAsync(laptop, async () =>
        {
            await ShellPages.SignInAsync(laptop, bea);
            await laptop.GotoAsync("/account");
            await ShellPages.Button(laptop, "Sign out everywhere").ClickAsync();
            await Expect(laptop).ToHaveURLAsync(ShellPages.PathIs("/login"));
            await Expect(laptop.Locator(".toast")).ToContainTextAsync("You were signed out on every device.");

            await laptop.GotoAsync("/");
            await Expect(laptop).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
        await Evidence.OnFailureAsync(phone, async () =>
        {
            await phone.ReloadAsync();
            await Expect(phone).ToHaveURLAsync(ShellPages.PathIs("/login"));

            // Signing in again works as before.
            await ShellPages.SignInAsync(phone, bea);
        });
    }
}
