using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Security;

/// <summary>
/// Passkeys from adding one to signing in with it and removing it, with Chromium's virtual authenticator standing in
/// for a fingerprint reader. The pages are opened as http://localhost:PORT (OutpostHost.BaseUrl): WebAuthn needs a
/// host name, not the 127.0.0.1 the server listens on.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class PasskeyTests(Chromium chromium)
{
    [Fact]
    public async Task Passkey_AddSignInWithItThenRemove_SignsInWithoutPasswordAndIsRefusedOnceRemoved()
    {
        await using var host = await OutpostHost.StartAsync();
        Assert.Equal("localhost", host.BaseUrl.Host);
        var bea = Person.Named("Bea");
        await Seed.AccountAsync(host, bea, AccountRole.User);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();
        var authenticator = await VirtualAuthenticator.AttachAsync(page);

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, bea);
            await page.GotoAsync("/account");
            await Expect(Passkeys(page)).ToHaveCountAsync(0);
            await Expect(page.GetByText("You have no passkeys yet.")).ToBeVisibleAsync();

            await page.Locator("input[name=passkeyName]").FillAsync("Work laptop");
            await ShellPages.Button(page, "Add a passkey").ClickAsync();
            await Expect(page.Locator(".toast")).ToContainTextAsync("Added “Work laptop”");
            await Expect(Passkeys(page)).ToHaveCountAsync(1);
            await Expect(Passkeys(page).First).ToContainTextAsync("Work laptop");
            Assert.Equal(1, await authenticator.CredentialCountAsync());

            await ShellPages.SignOutAsync(page);
            await page.GotoAsync("/login");
            await ShellPages.Button(page, "Sign in with a passkey").ClickAsync();
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Grains" })).ToBeVisibleAsync();
            await page.GotoAsync("/account");
            await Expect(page.Locator(".page-lead")).ToContainTextAsync(bea.Email);

            await ShellPages.Button(page, "Remove Work laptop").ClickAsync();
            await Expect(page.Locator(".toast")).ToContainTextAsync("Removed “Work laptop”");
            await Expect(Passkeys(page)).ToHaveCountAsync(0);
            await Expect(page.GetByText("You have no passkeys yet.")).ToBeVisibleAsync();

            // The authenticator still holds the passkey; the server must no longer accept it.
            await ShellPages.SignOutAsync(page);
            await page.GotoAsync("/login");
            await ShellPages.Button(page, "Sign in with a passkey").ClickAsync();
            await Expect(ShellPages.Alert(page)).ToContainTextAsync("That passkey is not registered on this server");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));
        });
    }

    private static ILocator Passkeys(IPage page) =>
        page.GetByRole(AriaRole.List, new() { Name = "Your passkeys" }).GetByRole(AriaRole.Listitem);
}
