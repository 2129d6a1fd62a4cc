using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>
/// Restoring on a server that lacks the backup's app but follows a catalog: one real server makes the backup, a
/// second one, subscribed to a real catalog site, restores it.
/// </summary>
public sealed class RestoreFromCatalogTests
{
    [Fact]
    public async Task Restore_AppOfferedOnlyByASubscribedCatalog_InstallsItFromThere_AndRestoresTheGrain()
    {
        var backup = await BackupFromElsewhereAsync("restored with the app from the catalog");
        await using var target = await CatalogFixture.StartAsync(install: false);
        Assert.Empty(await CatalogSteps.AppsAsync(target.Host));

        var restored = await RestoredAsync(target.Host.Api, backup);

        Assert.Contains("Notes", restored.AppInstalled, StringComparison.Ordinal);
        Assert.Contains("(version 1) was installed from the catalog “Test catalog”", restored.AppInstalled, StringComparison.Ordinal);
        var app = Assert.Single(await CatalogSteps.AppsAsync(target.Host));
        Assert.Equal((target.Notes.Info.AppId, 1), (app.AppId, app.Version));
        Assert.Contains("restored with the app from the catalog", await NotesOfAsync(target.Host, restored.Grain.Id));
    }

    [Fact]
    public async Task RestoreForm_AppOfferedOnlyByASubscribedCatalog_TheNewGrainsPageSaysItWasInstalled()
    {
        var backup = await BackupFromElsewhereAsync("restored from the page");
        await using var target = await CatalogFixture.StartAsync(install: false);
        var admin = await TestAccounts.SetUpAdminAsync(target.Host);
        using var browser = await TestAccounts.SignInAsync(target.Host, admin);
        var home = await browser.Http.GetStringAsync(target.Host.BaseUrl);

        using var restored = await browser.Http.PostAsync(new Uri(target.Host.BaseUrl, "grains/restore"), RestoreForm(TestAccounts.FormFields(home, "restore-form"), backup, Passphrase));

        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Matches("^/grains/[0-9a-f]{32}$", restored.Headers.Location!.OriginalString);
        var page = WebUtility.HtmlDecode(await browser.Http.GetStringAsync(new Uri(target.Host.BaseUrl, restored.Headers.Location)));
        Assert.Contains("(version 1) was installed from the catalog “Test catalog” to restore this backup.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_CatalogOffersOnlyAnOlderVersion_Returns409NamingTheAppAndVersion_AndInstallsNothing()
    {
        await using var target = await CatalogFixture.StartAsync(install: false);
        byte[] backup;
        await using (var source = await OutpostHost.StartAsync())
        {
            await source.InstallAsync(target.Notes.File);
            await source.InstallAsync(await target.RepackAsync(2));
            var grain = await source.NewGrainAsync(target.Notes.Info.AppId, "Needs version 2");
            backup = await BackedUpAsync(source.Api, grain.Id);
        }

        using var response = await RestoreAsync(target.Host.Api, backup);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(target.Notes.Info.AppId, problem.GetProperty("appId").GetString());
        Assert.Equal(2, problem.GetProperty("appVersion").GetInt64());
        Assert.Contains("version 2 or newer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await CatalogSteps.AppsAsync(target.Host));
        await AssertNoGrainsAsync(target.Host);
    }
}
