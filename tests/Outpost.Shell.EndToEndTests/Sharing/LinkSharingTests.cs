using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Sharing;

/// <summary>Sharing a grain by secret link, from the owner's sharing page to a visitor in another browser, and back to the owner's log.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class LinkSharingTests(Chromium chromium)
{
    [Fact]
    public async Task ViewerLink_VisitorSeesReadOnly_RevokeEndsIt_AndTheOwnersLogListsTheVisit()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        var owner = Person.Named("Olivia");
        await Seed.AccountAsync(host, owner, AccountRole.User);
        await using var ownerContext = await chromium.NewContextAsync(host.BaseUrl);
        await using var visitorContext = await chromium.NewContextAsync(host.BaseUrl);
        var page = await ownerContext.NewPageAsync();
        var visitor = await visitorContext.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, owner);
            await ShellPages.InstallAsync(page, notes.File, notes.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, notes.Info.AppId, "new");
            await ShellPages.WriteNoteAsync(page, "Launch plan", "Ship on Monday");

            await page.GetByRole(AriaRole.Link, new() { Name = "Share", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(ShellPages.PathIs($"/grains/{grainId}/sharing"));
            await page.Locator("#link-role").SelectOptionAsync("viewer");
            await page.Locator("#link-label").FillAsync("for reviewers");
            await ShellPages.Button(page, "Create link").ClickAsync();
            var link = (await page.Locator("[data-share-url]").InnerTextAsync()).Trim();
            Assert.Contains("/shared/", link, StringComparison.Ordinal);
            await Expect(page.Locator("[data-access-list] tr[data-kind=link]")).ToContainTextAsync("for reviewers");

            // Another browser, signed in as nobody: the link opens the grain, and the notes app shows it read-only.
            await visitor.GotoAsync(link);
            var frame = ShellPages.GrainFrame(visitor);
            await frame.Locator(".note-item", new() { HasText = "Launch plan" }).ClickAsync();
            await Expect(frame.Locator("#readonly-badge")).ToBeVisibleAsync();
            await Expect(frame.Locator("#new-note")).ToBeHiddenAsync();
            await Expect(frame.Locator("#body")).ToHaveJSPropertyAsync("readOnly", true);
            await Expect(visitor.Locator("[data-link-role]")).ToHaveTextAsync("viewer");

            await page.Locator("[data-access-list] tr[data-kind=link]").GetByRole(AriaRole.Button, new() { Name = "Revoke access of for reviewers" }).ClickAsync();
            await Expect(page.Locator("[data-access-list] tr[data-kind=link]")).ToHaveCountAsync(0);

            // The page already open loses the grain at its next request; opening the link again is refused.
            var openFrame = visitor.Frames.First(f => f.Url.Contains(".localhost", StringComparison.Ordinal));
            Assert.Equal(403, await openFrame.EvaluateAsync<int>("async () => (await fetch('/api/notes')).status"));
            await visitor.GotoAsync(link);
            await Expect(visitor.Locator("[data-link-refused]")).ToContainTextAsync("This link no longer works");

            await page.GotoAsync($"/grains/{grainId}/activity");
            var visit = page.Locator("[data-access-log] tr[data-action=open]", new() { HasText = "Anonymous" });
            await Expect(visit).ToHaveCountAsync(1);
            await Expect(visit.First).ToContainTextAsync("for reviewers");
            await Expect(visit.First).ToContainTextAsync("viewer");
            await Expect(page.Locator("[data-access-log] tr[data-action='share.revoke']")).ToContainTextAsync(owner.Name);
        });
    }

    [Fact]
    public async Task ShareWithPerson_TheyFindItUnderSharedWithYouAndCanEditAsEditor()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        var owner = Person.Named("Olivia");
        var bob = Person.Named("Bob");
        await Seed.AccountAsync(host, owner, AccountRole.User);
        await Seed.AccountAsync(host, bob, AccountRole.Visitor);
        await using var ownerContext = await chromium.NewContextAsync(host.BaseUrl);
        await using var bobContext = await chromium.NewContextAsync(host.BaseUrl);
        var page = await ownerContext.NewPageAsync();
        var bobPage = await bobContext.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SignInAsync(page, owner);
            await ShellPages.InstallAsync(page, notes.File, notes.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, notes.Info.AppId, "new");
            await page.GotoAsync($"/grains/{grainId}/sharing");
            await page.Locator("#share-person").FillAsync(bob.Name);
            await page.Locator("#person-role").SelectOptionAsync("editor");
            await ShellPages.Button(page, "Share").ClickAsync();
            await Expect(page.Locator("[data-access-list] tr[data-kind=person]")).ToContainTextAsync(bob.Name);

            await ShellPages.SignInAsync(bobPage, bob);
            await bobPage.Locator($"[data-shared-list] a[href$=\"/grains/{grainId}\"]").ClickAsync();
            await Expect(bobPage.Locator(".grain-bar .badge")).ToHaveTextAsync("editor");
            await ShellPages.WriteNoteAsync(bobPage, "From Bob", "Written through a share");

            // A visitor's grain menu offers sharing onward, not the owner's controls.
            await bobPage.Locator(".grain-menu-button").ClickAsync();
            await Expect(bobPage.Locator("#grain-menu")).Not.ToContainTextAsync("Move to trash");
            await Expect(bobPage.Locator("#grain-menu")).ToContainTextAsync("Share");

            await page.GotoAsync($"/grains/{grainId}");
            await Expect(ShellPages.GrainFrame(page).Locator(".note-item", new() { HasText = "From Bob" })).ToBeVisibleAsync();
        });
    }
}
