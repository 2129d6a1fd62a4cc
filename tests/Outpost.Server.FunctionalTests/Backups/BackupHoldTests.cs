using System.Net;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>While a backup reads a grain, no update moves it and no deletion or trash takes it away.</summary>
public sealed class BackupHoldTests
{
    // More than the socket and server buffers hold, so a backup whose download is not read stays under way.
    private const int BulkMiB = 48;

    [Fact]
    public async Task Update_WhileTheGrainIsBackedUp_DoesNotMoveIt_AndMovesItAtTheFirstStartAfterwards()
    {
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("hold-update");
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "written by v1");
        await WriteBulkAsync(host.Paths.GrainStorage(grainId), BulkMiB);
        await host.InstallAsync(await SamplePackages.RepackNotesAsync(await SamplePackages.NotesAsync(), work.Path, 2));

        HttpStatusCode whileHeld;
        string refusal;
        (int AppVersion, bool HasSnapshots) during;
        using (var download = await BackupUnderWayAsync(host.Api, grainId))
        {
            using (var page = await browser.Http.GetAsync(new Uri(origin, "api/notes")))
            {
                whileHeld = page.StatusCode;
                refusal = await page.Content.ReadAsStringAsync();
            }

            during = ((await host.GrainAsync(grainId)).AppVersion, Directory.Exists(host.Paths.GrainSnapshots(grainId)));
            Assert.True(await RestOfAsync(download) > BulkMiB << 20, "the whole backup should arrive");
        }

        var afterwards = await NotesSteps.ListAsync(browser, origin);
        var moved = await host.GrainAsync(grainId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileHeld);
        Assert.Contains("being backed up", refusal, StringComparison.Ordinal);
        Assert.Equal(1, during.AppVersion);
        Assert.False(during.HasSnapshots, "no update snapshot should be taken while the grain is backed up");
        Assert.Contains("written by v1", afterwards, StringComparison.Ordinal);
        Assert.Equal(2, moved.AppVersion);
        Assert.True(Directory.Exists(host.Paths.GrainSnapshot(grainId, 1)));
    }

    [Fact]
    public async Task DeleteAndTrash_WhileTheGrainIsBackedUp_AreRefusedWithAClearMessage_AndWorkAfterwards()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "kept while backed up");
        await WriteBulkAsync(host.Paths.GrainStorage(grainId), BulkMiB);

        string deleteRefusal;
        string trashRefusal;
        long rest;
        using (var download = await BackupUnderWayAsync(host.Api, grainId))
        {
            deleteRefusal = await RefusalAsync(await host.Api.DeleteAsync($"api/grains/{grainId}"));
            trashRefusal = await RefusalAsync(await host.Api.PostAsync($"api/grains/{grainId}/trash", null));
            Assert.True(Directory.Exists(host.Paths.GrainDir(grainId)));
            rest = await RestOfAsync(download);
        }

        Assert.Contains("This grain is being backed up; try again in a moment.", deleteRefusal, StringComparison.Ordinal);
        Assert.Contains("This grain is being backed up; try again in a moment.", trashRefusal, StringComparison.Ordinal);
        Assert.Null((await host.GrainAsync(grainId)).TrashedAt);
        Assert.True(rest > BulkMiB << 20, "the whole backup should arrive");
        Assert.Contains("kept while backed up", await NotesOfAsync(host, grainId));
        using (var trash = await host.Api.PostAsync($"api/grains/{grainId}/trash", null))
        {
            await Ensure.SuccessAsync(trash);
        }

        using (var delete = await host.Api.DeleteAsync($"api/grains/{grainId}"))
        {
            await Ensure.SuccessAsync(delete);
        }

        Assert.False(Directory.Exists(host.Paths.GrainDir(grainId)));
    }

    /// <summary>Reads the rest of a download to its end; returns how many bytes that was.</summary>
    private static async Task<long> RestOfAsync(HttpResponseMessage download)
    {
        await using var body = await download.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = await body.ReadAsync(buffer)) > 0;)
        {
            total += read;
        }

        return total;
    }

    private static async Task<string> RefusalAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
    }
}
