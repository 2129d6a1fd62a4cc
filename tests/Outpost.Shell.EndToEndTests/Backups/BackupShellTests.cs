using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Backups;

/// <summary>A grain backed up from its menu and restored on the grains page, in a real browser.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class BackupShellTests(Chromium chromium)
{
    private const string Passphrase = "a long sentence only I know";

    [Fact]
    public async Task DownloadBackup_ThenRestoreIt_OpensANewGrainWithTheSameNote_AndAWrongPassphraseIsExplained()
    {
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("backup-shell");
        var notes = await SamplePackages.NotesAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString());
        Assert.NotNull(setupUrl);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SetUpAsync(page, setupUrl, Person.Admin);
            await ShellPages.InstallAsync(page, notes.File, notes.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, notes.Info.AppId, "new");
            await ShellPages.WriteNoteAsync(page, "Kept in the backup", "Restored in the browser");

            await page.GetByRole(AriaRole.Button, new() { Name = "Grain menu" }).ClickAsync();
            await ShellPages.Button(page, "Download backup").ClickAsync();
            await page.Locator("#backup-passphrase").FillAsync(Passphrase);
            var download = await page.RunAndWaitForDownloadAsync(() => ShellPages.Button(page, "Download").ClickAsync());
            var backup = Path.Combine(work.Path, download.SuggestedFilename);
            await download.SaveAsAsync(backup);
            Assert.EndsWith(".outpost-backup", backup, StringComparison.Ordinal);
            Assert.Null(await download.FailureAsync());

            await RestoreAsync(page, backup, "not the passphrase at all");
            await Expect(page).ToHaveURLAsync(ShellPages.HomeUrl());
            await Expect(ShellPages.Alert(page)).ToContainTextAsync("wrong passphrase for this backup");

            await RestoreAsync(page, backup, Passphrase);
            await Expect(page).ToHaveURLAsync(ShellPages.GrainUrl());
            Assert.NotEqual(grainId, ShellPages.GrainUrl().Match(page.Url).Groups["id"].Value);
            var frame = ShellPages.GrainFrame(page);
            await frame.Locator(".note-item", new() { HasText = "Kept in the backup" }).ClickAsync();
            await Expect(frame.Locator("#body")).ToHaveValueAsync("Restored in the browser");
        });
    }

    private static async Task RestoreAsync(IPage page, string backup, string passphrase)
    {
        await page.GotoAsync("/");
        await page.GetByText("Restore a backup").ClickAsync();
        await page.Locator("#restore-file").SetInputFilesAsync(backup);
        await page.Locator("#restore-passphrase").FillAsync(passphrase);
        await ShellPages.Button(page, "Restore as a new grain").ClickAsync();
    }
}
