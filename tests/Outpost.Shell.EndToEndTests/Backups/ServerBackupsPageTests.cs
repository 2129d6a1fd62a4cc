using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Backups;

/// <summary>The Admin → Backups page in a real browser: backups turned on from the page, "Back up now", and the snapshot it made.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class ServerBackupsPageTests(Chromium chromium)
{
    [Fact]
    public async Task Admin_SetsTheDirectory_BacksUpNow_AndSeesTheSnapshot()
    {
        using var repository = new TempDir("repo");
        await using var host = await OutpostHost.StartAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString());
        Assert.NotNull(setupUrl);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SetUpAsync(page, setupUrl, Person.Admin);

            await page.GotoAsync("/admin/backups");
            await Expect(page.Locator("[data-server-backups]")).ToContainTextAsync("Server backups are off");
            await page.GetByLabel("Backup directory").FillAsync("relative/path");
            await ShellPages.Button(page, "Save backup settings").ClickAsync();
            await Expect(page.GetByText("must be an absolute path")).ToBeVisibleAsync();
            await page.GetByLabel("Backup directory").FillAsync(repository.Path);
            await page.GetByLabel("Schedule").FillAsync("00:00:00");
            await ShellPages.Button(page, "Save backup settings").ClickAsync();
            await Expect(page.GetByText("Backup settings saved.")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-server-backups]")).ToContainTextAsync(repository.Path);
            await Expect(page.Locator("[data-server-backups]")).ToContainTextAsync("only when asked");
            await Expect(page.GetByText("No snapshots yet.")).ToBeVisibleAsync();
            await BackUpNowAsync(page, snapshots: 1);
            await Expect(page.Locator("[data-backup-status]")).ToContainTextAsync("ok");
        });
    }

    /// <summary>Presses Back up now on the Backups page and waits (reloading, at most 30 s) for the snapshot to be listed.</summary>
    internal static async Task BackUpNowAsync(IPage page, int snapshots)
    {
        await ShellPages.Button(page, "Back up now").ClickAsync();
        await Expect(page.GetByText("Backup started.")).ToBeVisibleAsync();
        for (var attempt = 0; attempt < 60 && await page.Locator("[data-snapshot-id]").CountAsync() < snapshots; attempt++)
        {
            await Task.Delay(500);
            await page.ReloadAsync();
        }

        await Expect(page.Locator("[data-snapshot-id]")).ToHaveCountAsync(snapshots);
    }
}
