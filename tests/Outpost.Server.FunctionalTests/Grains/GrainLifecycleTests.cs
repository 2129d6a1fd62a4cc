using System.Diagnostics;
using System.Net;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;

namespace Outpost.Server.FunctionalTests.Grains;

/// <summary>Grains start on the first request, stop when idle, and come back after a stop or a crash.</summary>
public sealed class GrainLifecycleTests
{
    [Fact]
    public async Task IdleGrain_IsStopped_AndTheNextRequestRestartsItWithItsData()
    {
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:Grains:IdleTimeout"] = "00:00:02" });
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "survives idle stop");
        Assert.True((await host.GrainAsync(grainId)).Running);

        await Wait.UntilAsync(async () => !(await host.GrainAsync(grainId)).Running, TimeSpan.FromSeconds(60), "the idle grain to stop");
        using var again = await browser.Http.GetAsync(new Uri(origin, "api/notes"));

        await Ensure.SuccessAsync(again);
        Assert.Contains("survives idle stop", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await host.GrainAsync(grainId)).Running);
    }

    [Fact]
    public async Task StoppedGrain_RestartsTransparentlyOnTheNextRequest()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "survives stop");

        using var stop = await host.Api.PostAsync($"api/grains/{grainId}/stop", null);
        await Ensure.SuccessAsync(stop);
        Assert.False((await host.GrainAsync(grainId)).Running);
        using var again = await browser.Http.GetAsync(new Uri(origin, "api/notes"));

        await Ensure.SuccessAsync(again);
        Assert.Contains("survives stop", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashedApp_RestartsOnTheNextRequest_AndTheCrashIsInTheGrainLog()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        using (var first = await browser.Http.GetAsync(new Uri(origin, "api/notes")))
        {
            await Ensure.SuccessAsync(first);
        }

        KillAppProcesses(grainId);
        await Wait.UntilAsync(async () => !(await host.GrainAsync(grainId)).Running, TimeSpan.FromSeconds(30), "the crash to be noticed");
        using var again = await browser.Http.GetAsync(new Uri(origin, "api/notes"));
        var log = await host.Api.GetStringAsync($"api/grains/{grainId}/logs");

        await Ensure.SuccessAsync(again);
        Assert.Contains("exited", log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeletedGrain_LosesItsStorageAndSessions()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        await NotesSteps.CreateNoteAsync(browser, origin, "to be deleted");

        using var delete = await host.Api.DeleteAsync($"api/grains/{grainId}");
        await Ensure.SuccessAsync(delete);
        using var after = await browser.Http.GetAsync(new Uri(origin, "api/notes"));

        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.False(Directory.Exists(host.Paths.GrainDir(grainId)));
    }

    // The grain runs as its own host uid (UidBase + number); killing that user's node process is a crash from
    // Outpost's point of view, exactly like an app dying on its own.
    private static void KillAppProcesses(string grainId)
    {
        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.StartsWith("/usr/bin/node /app/server.js", StringComparison.Ordinal) && IsInGrain(dir, grainId))
                {
                    Process.GetProcessById(pid).Kill();
                    killed++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process went away while we looked, or isn't ours to read.
            }
        }

        Assert.True(killed > 0, "no app process of the grain was found to kill");
    }

    private static bool IsInGrain(string procDir, string grainId)
    {
        // The grain's storage is its encrypted storage's plaintext view, bind-mounted at /var inside its sandbox;
        // mountinfo names the view's source, the grain's cipher directory.
        var mounts = File.ReadAllText(Path.Combine(procDir, "mountinfo"));
        return mounts.Contains($"/{grainId}/encrypted ", StringComparison.Ordinal);
    }
}
