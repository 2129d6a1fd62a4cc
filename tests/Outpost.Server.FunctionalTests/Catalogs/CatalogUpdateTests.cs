using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Packaging;
using Outpost.Server.Catalogs;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>
/// The whole update story between two real servers: one publishes a catalog at its well-known URL, the other
/// installs from it, updates when the catalog changes, moves grains on their next start and rolls back a version
/// that does not start.
/// </summary>
public sealed class CatalogUpdateTests
{
    [Fact]
    public async Task PublishedUpdate_MovesTheGrainOnItsNextStart_AndABrokenVersionRollsBackWithTheData()
    {
        using var work = new TempDir("catalog-update");
        using var published = new TempDir("published");
        using var catalogKey = SigningKey.Generate();
        var notes = await SamplePackages.NotesAsync();
        File.Copy(notes.File, Path.Combine(published.Path, "notes-1.opk"));
        await CatalogSite.PublishAsync(published.Path, catalogKey);
        await using var publisher = await OutpostHost.StartAsync(new() { ["Outpost:Catalogs:PublishDir"] = published.Path });
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:Sandbox:StartTimeout"] = "00:00:20" });
        var catalogUrl = new Uri(publisher.BaseUrl, ".well-known/outpost/catalog.json");

        // v1 from the catalog, and a grain with data.
        using (var subscribed = await CatalogSteps.SubscribeAsync(host, catalogUrl, catalogKey.AppId))
        {
            await Ensure.SuccessAsync(subscribed);
        }

        var offered = Assert.Single((await host.Api.GetFromJsonAsync<List<CatalogAppSummary>>("api/catalogs/apps"))!);
        Assert.Null(offered.InstalledVersion);
        await CatalogSteps.InstallFromCatalogAsync(host, notes.Info.AppId);
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNewGrainAsync(host, notes.Info.AppId);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "written by v1");
        await host.StopGrainAsync(grainId);

        // v2 is published; the check installs it and the grain moves on its next start with its data.
        File.Copy(await SamplePackages.RepackNotesAsync(notes, work.Path, 2), Path.Combine(published.Path, "notes-2.opk"));
        await CatalogSite.PublishAsync(published.Path, catalogKey);
        var check = await CatalogSteps.CheckAsync(host);
        Assert.Contains(check.Lines, l => l.Outcome == "updated" && l.AppId == notes.Info.AppId);
        Assert.Equal(1, (await host.GrainAsync(grainId)).AppVersion);

        Assert.Contains("written by v1", await NotesSteps.ListAsync(browser, origin), StringComparison.Ordinal);
        Assert.Equal(2, (await host.GrainAsync(grainId)).AppVersion);
        Assert.True(Directory.Exists(host.Paths.GrainSnapshot(grainId, 1)));
        await NotesSteps.CreateNoteAsync(browser, origin, "written by v2");
        await host.StopGrainAsync(grainId);

        // v3 does not start: the grain goes back to v2 and its data from before the attempt, and says why.
        var broken = await SamplePackages.RepackNotesAsync(notes, work.Path, 3, edit: m =>
            m["command"] = JsonSerializer.SerializeToElement(new { path = "/usr/bin/node", args = new[] { "/app/no-such-file.js" } }));
        File.Copy(broken, Path.Combine(published.Path, "notes-3.opk"));
        await CatalogSite.PublishAsync(published.Path, catalogKey);
        Assert.Contains((await CatalogSteps.CheckAsync(host)).Lines, l => l.Outcome == "updated");

        var notesAfterRollback = await NotesSteps.ListAsync(browser, origin);
        var grain = await host.GrainAsync(grainId);
        var log = await host.Api.GetStringAsync($"api/grains/{grainId}/logs");

        Assert.Contains("written by v1", notesAfterRollback, StringComparison.Ordinal);
        Assert.Contains("written by v2", notesAfterRollback, StringComparison.Ordinal);
        Assert.Equal(2, grain.AppVersion);
        Assert.Contains("update to app version 3 did not start", grain.UpdateNote, StringComparison.Ordinal);
        Assert.Contains("rolled back to version 2", log, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(await CatalogSteps.AppsAsync(host)).Version);

        // The owner sees why on the grain's page, and admins on the grains list.
        var admin = await TestAccounts.SetUpAdminAsync(host);
        using (var owner = await TestAccounts.SignInAsync(host, admin))
        {
            var grainPage = await owner.Http.GetStringAsync(new Uri(host.BaseUrl, $"grains/{grainId}"));
            var adminGrains = await owner.Http.GetStringAsync(new Uri(host.BaseUrl, "admin/grains"));
            Assert.Contains("update to app version 3 did not start", grainPage, StringComparison.Ordinal);
            Assert.Contains("Update held back", adminGrains, StringComparison.Ordinal);
        }

        // The refused version is not tried again on the next start.
        await host.StopGrainAsync(grainId);
        Assert.Contains("written by v2", await NotesSteps.ListAsync(browser, origin), StringComparison.Ordinal);
        Assert.Equal(2, (await host.GrainAsync(grainId)).AppVersion);
    }

    [Fact]
    public async Task PinnedApp_KeepsGrainsOnThePinnedVersion_AndChecksDoNotInstallPastIt()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        var (site, host, notes) = (fixture.Site, fixture.Host, fixture.Notes);
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNewGrainAsync(host, notes.Info.AppId);
        using var _ = browser;
        using (var pin = await host.Api.PutAsJsonAsync($"api/apps/{notes.Info.AppId}/pin", new PinRequest { Version = 1 }))
        {
            await Ensure.SuccessAsync(pin);
        }

        site.Add(await fixture.RepackAsync(2), "notes-2.opk");
        await site.PublishAsync(fixture.CatalogKey);
        var check = await CatalogSteps.CheckAsync(host);
        var offered = Assert.Single((await host.Api.GetFromJsonAsync<List<CatalogAppSummary>>("api/catalogs/apps"))!);
        using var pinMissing = await host.Api.PutAsJsonAsync($"api/apps/{notes.Info.AppId}/pin", new PinRequest { Version = 7 });

        Assert.Contains(check.Lines, l => l.Outcome == "pinned" && l.Message.Contains("pinned to version #1", StringComparison.Ordinal));
        Assert.Equal(1, Assert.Single(await CatalogSteps.AppsAsync(host)).Version);
        Assert.True(offered.UpdateAvailable);
        Assert.Equal(1, offered.PinnedVersion);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, pinMissing.StatusCode);
        Assert.Equal(1, (await host.GrainAsync(grainId)).AppVersion);
    }
}
