using System.Net.Http.Json;
using Outpost.Server.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>What happens without anyone asking: scheduled checks, the default catalog, removal of unused versions.</summary>
public sealed class CatalogScheduleTests
{
    [Fact]
    public async Task ScheduledCheck_InstallsAPublishedUpdateByItself()
    {
        await using var fixture = await CatalogFixture.StartAsync(settings: new() { ["Outpost:Catalogs:CheckInterval"] = "00:00:01" });
        fixture.Site.Add(await fixture.RepackAsync(2), "notes-2.opk");
        await fixture.Site.PublishAsync(fixture.CatalogKey);

        await Wait.UntilAsync(async () => (await CatalogSteps.AppsAsync(fixture.Host)).Single().Version == 2, TimeSpan.FromSeconds(60), "the scheduled check to install version 2");

        Assert.Equal(["1", "2"], CatalogSteps.VersionDirs(fixture.Host, fixture.Notes.Info.AppId));
    }

    [Fact]
    public async Task DefaultCatalog_IsFollowedFromTheFirstStart()
    {
        await using var site = await CatalogSite.StartAsync();
        using var key = Outpost.Packaging.SigningKey.Generate();
        await using var host = await OutpostHost.StartAsync(new()
        {
            ["Outpost:Catalogs:DefaultUrl"] = site.CatalogUrl.AbsoluteUri,
            ["Outpost:Catalogs:DefaultKey"] = key.AppId,
        });

        await Wait.UntilAsync(async () => (await host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!.Count == 1, TimeSpan.FromSeconds(30), "the default catalog to be added");
        var catalog = Assert.Single((await host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!);

        Assert.Equal(site.CatalogUrl.AbsoluteUri, catalog.Url);
        Assert.Equal(key.AppId, catalog.KeyId);
    }

    [Fact]
    public async Task UnusedVersion_IsKeptWhileAGrainRunsIt_AndRemovedAfterTheGracePeriod()
    {
        await using var fixture = await CatalogFixture.StartAsync(settings: new() { ["Outpost:Catalogs:UnusedVersionGrace"] = "00:00:00" });
        var (host, appId) = (fixture.Host, fixture.Notes.Info.AppId);
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNewGrainAsync(host, appId);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "kept through the move");
        await host.InstallAsync(await fixture.RepackAsync(2));

        // The grain still runs version 1: two checks (mark, then past a zero grace) keep it.
        await CatalogSteps.CheckAsync(host);
        var whileUsed = await CatalogSteps.CheckAsync(host);
        Assert.Equal(0, whileUsed.RemovedVersions);
        Assert.Equal(["1", "2"], CatalogSteps.VersionDirs(host, appId));

        // Once the grain has moved to version 2, version 1 is unused: marked by one check, removed by the next.
        await host.StopGrainAsync(grainId);

        await NotesSteps.ListAsync(browser, origin);
        Assert.Equal(2, (await host.GrainAsync(grainId)).AppVersion);
        await CatalogSteps.CheckAsync(host);
        var afterMove = await CatalogSteps.CheckAsync(host);

        Assert.Equal(1, afterMove.RemovedVersions);
        Assert.Equal(["2"], CatalogSteps.VersionDirs(host, appId));
        Assert.Contains("kept through the move", await NotesSteps.ListAsync(browser, origin), StringComparison.Ordinal);
    }
}
