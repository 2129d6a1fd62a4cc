using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Data.Accounts;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Screenshots;

/// <summary>
/// Takes the pictures in docs/screenshots/ that the README shows: each main page at 1280×800, and the grains list
/// at a phone's width. Each picture is taken only once the page shows what it is meant to show.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class ScreenshotTests(Chromium chromium)
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "docs", "screenshots");

    [Fact]
    public async Task MainPages_WithAGrainOpen_AreSavedToDocs()
    {
        await using var host = await OutpostHost.StartAsync();
        using var backups = new TempDir("backups");
        var notes = await SamplePackages.NotesAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString())!;
        Directory.CreateDirectory(Folder);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();
        var admin = Person.Admin;

        await Evidence.OnFailureAsync(page, async () =>
        {
            await page.GotoAsync(setupUrl);
            await Expect(page.Locator("input[name=password]")).ToBeVisibleAsync();
            await ShootAsync(page, "setup");
            await ShellPages.CreateAccountAsync(page, admin, "Create admin account");
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());

            await ShellPages.InstallAsync(page, notes.File, notes.Info.AppId);
            await ShootAsync(page, "apps");

            // A second grain and a real title make the list look like one in use.
            await host.NewGrainAsync(notes.Info.AppId, "Reading list");
            var grainId = await ShellPages.NewGrainAsync(page, notes.Info.AppId, "new");
            (await host.Api.PatchAsJsonAsync($"api/grains/{grainId}", new UpdateGrainRequest { Title = "Trip to Lisbon" })).EnsureSuccessStatusCode();
            await ShellPages.WriteNoteAsync(page, "Packing list", "- [x] Passport\n- [ ] Charger\n- [ ] **Sunscreen**");
            await ShellPages.WriteNoteAsync(page, "Places to eat", "# Lisbon\nPastéis de Belém, *early*, before the queue.");
            await page.ReloadAsync();
            var frame = ShellPages.GrainFrame(page);
            await Expect(frame.Locator(".note-item")).ToHaveCountAsync(2);
            await frame.Locator(".note-item", new() { HasText = "Packing list" }).ClickAsync();
            await Expect(frame.Locator("#body")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Passport"));
            await frame.Locator("#mode-preview").ClickAsync();
            await Expect(frame.Locator("#preview strong")).ToHaveTextAsync("Sunscreen");
            await Expect(page.Locator("[data-grain-title]")).ToContainTextAsync("Trip to Lisbon");
            await ShootAsync(page, "grain");

            await page.GotoAsync("/");
            await Expect(page.Locator("[data-grain-id]")).ToHaveCountAsync(2);
            await ShootAsync(page, "grains");

            await Seed.AccountAsync(host, new Person("Grace Hopper", "grace@example.test", "copper lantern orchard 58"), AccountRole.User);
            await Seed.AccountAsync(host, new Person("Alan Turing", "alan@example.test", "copper lantern orchard 58"), AccountRole.Visitor);
            await page.GotoAsync("/admin/users");
            await Expect(page.Locator("[data-account-id]")).ToHaveCountAsync(3);
            await ShootAsync(page, "admin-users");

            await page.GotoAsync($"/grains/{grainId}/sharing");
            await page.Locator("#share-person").FillAsync("Grace Hopper");
            await ShellPages.Button(page, "Share").ClickAsync();
            await page.Locator("#link-role").SelectOptionAsync("viewer");
            await page.Locator("#link-label").FillAsync("Travel group");
            await page.Locator("#link-expires").SelectOptionAsync("7.00:00:00");
            await ShellPages.Button(page, "Create link").ClickAsync();
            await Expect(page.Locator("[data-access-list] tbody tr")).ToHaveCountAsync(3);
            await ShootAsync(page, "sharing");

            await page.GotoAsync($"/grains/{grainId}/activity");
            await Expect(page.Locator("[data-access-log] tbody tr").First).ToBeVisibleAsync();
            await ShootAsync(page, "activity");

            await page.GotoAsync("/admin/backups");
            await page.GetByLabel("Backup directory").FillAsync(backups.Path);
            await ShellPages.Button(page, "Save backup settings").ClickAsync();
            await Expect(page.GetByText("Backup settings saved.")).ToBeVisibleAsync();
            await Backups.ServerBackupsPageTests.BackUpNowAsync(page, snapshots: 1);
            await ShootAsync(page, "server-backups");

            await page.GotoAsync("/account/2fa");
            await Expect(page.Locator("[data-totp-key]")).ToBeVisibleAsync();
            await ShootAsync(page, "account-2fa");

            await ShellPages.SignOutAsync(page);
            await page.GotoAsync("/login");
            await Expect(page.Locator("input[name=email]")).ToBeVisibleAsync();
            await ShootAsync(page, "login");
        });

        await using var phoneContext = await chromium.NewContextAsync(host.BaseUrl, new ViewportSize { Width = 390, Height = 844 });
        var phone = await phoneContext.NewPageAsync();
        await Evidence.OnFailureAsync(phone, async () =>
        {
            await ShellPages.SignInAsync(phone, admin);
            await Expect(phone.Locator("[data-grain-id]")).ToHaveCountAsync(2);

            // A phone-width page must not scroll sideways.
            Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The grains list scrolls sideways at 390 px.");
            await ShootAsync(phone, "grains-phone");
        });

        foreach (var name in new[] { "setup", "login", "grains", "grain", "apps", "admin-users", "sharing", "activity", "server-backups", "account-2fa", "grains-phone" })
        {
            Assert.True(new FileInfo(Path.Combine(Folder, name + ".png")).Length > 10_000, $"{name}.png looks empty.");
        }
    }

    private static Task ShootAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Folder, name + ".png"),
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
        });
}
