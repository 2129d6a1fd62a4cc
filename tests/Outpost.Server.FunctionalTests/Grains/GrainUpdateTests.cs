using System.Net.Http.Json;
using Outpost.Server.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;

namespace Outpost.Server.FunctionalTests.Grains;

/// <summary>Moving a grain to a newer installed version on its next start, and when it must not move.</summary>
public sealed class GrainUpdateTests
{
    [Fact]
    public async Task NextStart_WhenTheSnapshotCannotBeTaken_StaysOnItsVersion_ThenMovesOnceItCan()
    {
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("grain-update");
        var notes = await SamplePackages.NotesAsync();
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "written by v1");
        await host.InstallAsync(await SamplePackages.RepackNotesAsync(notes, work.Path, 2));
        await host.StopGrainAsync(grainId);
        // A file where the snapshots folder goes makes the copy fail, as a full or broken disk would.
        await File.WriteAllTextAsync(host.Paths.GrainSnapshots(grainId), "in the way");

        var whileBlocked = await NotesSteps.ListAsync(browser, origin);
        var postponed = await host.GrainAsync(grainId);
        await host.StopGrainAsync(grainId);
        File.Delete(host.Paths.GrainSnapshots(grainId));
        var afterMove = await NotesSteps.ListAsync(browser, origin);
        var moved = await host.GrainAsync(grainId);

        Assert.Contains("written by v1", whileBlocked, StringComparison.Ordinal);
        Assert.Equal(1, postponed.AppVersion);
        Assert.Contains("update to app version 2 is postponed", postponed.UpdateNote, StringComparison.Ordinal);
        Assert.Contains("written by v1", afterMove, StringComparison.Ordinal);
        Assert.Equal(2, moved.AppVersion);
        Assert.Null(moved.UpdateNote);
        Assert.True(Directory.Exists(host.Paths.GrainSnapshot(grainId, 1)));
    }

    [Fact]
    public async Task WasmGrain_RunsThePinnedVersion_AndMovesToTheNewestOnceUnpinned()
    {
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("wasm-update");
        var guestbook = await SamplePackages.GuestbookAsync();
        var app = await host.InstallAsync(guestbook.File);
        var grain = await host.NewGrainAsync(app.AppId, "Visitors");
        using (var pin = await host.Api.PutAsJsonAsync($"api/apps/{app.AppId}/pin", new PinRequest { Version = 1 }))
        {
            await Ensure.SuccessAsync(pin);
        }

        await host.InstallAsync(await SamplePackages.RepackAsync("guestbook-wasm", guestbook, work.Path, 2));
        await VisitAsync(host, grain.Id);
        var whilePinned = await host.GrainAsync(grain.Id);
        using (var unpin = await host.Api.DeleteAsync($"api/apps/{app.AppId}/pin"))
        {
            await Ensure.SuccessAsync(unpin);
        }

        await VisitAsync(host, grain.Id);
        var unpinned = await host.GrainAsync(grain.Id);

        Assert.Equal(1, whilePinned.AppVersion);
        Assert.Equal(2, unpinned.AppVersion);
    }

    private static async Task VisitAsync(OutpostHost host, string grainId)
    {
        var session = await host.OpenAsync(grainId);
        using var browser = host.Browser();
        using var page = await browser.Http.GetAsync(await browser.RedeemAsync(session.Url));
        await Ensure.SuccessAsync(page);
    }
}
