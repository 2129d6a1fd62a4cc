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
}
