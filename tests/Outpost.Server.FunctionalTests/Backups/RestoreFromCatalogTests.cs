using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;
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
        var backup = await BackupOfVersion2Async(target);

        var detail = await RefusedAsync(target, backup);

        Assert.Contains("version 2 or newer), which is not installed here", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_CatalogOffersAPackageSignedByAnotherKey_Returns409SayingWhy_AndInstallsNothing()
    {
        await using var target = await CatalogFixture.StartAsync(install: false);
        var backup = await BackupOfVersion2Async(target);
        using var impostor = SigningKey.Generate();
        var forged = await PackageVerifier.VerifyAsync(target.Site.Add(await target.RepackAsync(2, impostor), "notes-2.opk"), PackageLimits.Default);
        await target.WriteCatalogAsync(new CatalogVersion { Version = 2, MarketingVersion = "2.0.0", Url = "notes-2.opk", Size = forged.Size, Sha256 = forged.Sha256 });
        await CatalogSteps.CheckAsync(target.Host);

        var detail = await RefusedAsync(target, backup);

        Assert.Contains("A subscribed catalog offers it, but installing it failed", detail, StringComparison.Ordinal);
        Assert.Contains($"signed by key {impostor.AppId}", detail, StringComparison.Ordinal);
    }

    /// <summary>A backup of a notes grain on version 2, made on a server that is gone again.</summary>
    private static async Task<byte[]> BackupOfVersion2Async(CatalogFixture target)
    {
        await using var source = await OutpostHost.StartAsync();
        await source.InstallAsync(target.Notes.File);
        await source.InstallAsync(await target.RepackAsync(2));
        var grain = await source.NewGrainAsync(target.Notes.Info.AppId, "Needs version 2");
        return await BackedUpAsync(source.Api, grain.Id);
    }

    /// <summary>Restores and expects the 409 that names notes version 2, with nothing installed or left behind; returns its detail.</summary>
    private static async Task<string> RefusedAsync(CatalogFixture target, byte[] backup)
    {
        using var response = await RestoreAsync(target.Host.Api, backup);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(target.Notes.Info.AppId, problem.GetProperty("appId").GetString());
        Assert.Equal(2, problem.GetProperty("appVersion").GetInt64());
        Assert.Empty(await CatalogSteps.AppsAsync(target.Host));
        await AssertNoGrainsAsync(target.Host);
        return problem.GetProperty("detail").GetString()!;
    }
}
