using Microsoft.Extensions.DependencyInjection;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Journey;

/// <summary>Everything a new person does, from the README's start command to working in a grain, in a real browser.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class NewUserJourneyTests(Chromium chromium)
{
    [Fact]
    public async Task Journey_FromSetupLinkToNoteInGrain_KeepsTheNoteAndListsTheGrainAfterSigningInAgain()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString());
        Assert.NotNull(setupUrl);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();
        var admin = Person.Admin;

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SetUpAsync(page, setupUrl, admin);

            await ShellPages.InstallAsync(page, notes.File, notes.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, notes.Info.AppId, "new");
            await ShellPages.WriteNoteAsync(page, "Groceries", "Milk, eggs and **good** bread");

            await page.ReloadAsync();
            var frame = ShellPages.GrainFrame(page);
            await frame.Locator(".note-item", new() { HasText = "Groceries" }).ClickAsync();
            await Expect(frame.Locator("#title")).ToHaveValueAsync("Groceries");
            await Expect(frame.Locator("#body")).ToHaveValueAsync("Milk, eggs and **good** bread");

            await ShellPages.SignOutAsync(page);
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs("/login"));

            await ShellPages.SignInAsync(page, admin);
            var grain = page.Locator($"[data-grain-id=\"{grainId}\"]");
            await Expect(grain).ToBeVisibleAsync();

            // The listing links to the grain, and the note is still inside.
            await page.Locator($"a[href$=\"/grains/{grainId}\"]").First.ClickAsync();
            await Expect(page).ToHaveURLAsync(ShellPages.GrainUrl());
            await Expect(ShellPages.GrainFrame(page).Locator(".note-item", new() { HasText = "Groceries" })).ToBeVisibleAsync();
        });
    }
}
