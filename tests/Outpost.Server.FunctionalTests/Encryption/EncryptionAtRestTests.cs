using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>Nothing a grain writes is readable on disk once it is stopped: storage and log are encrypted.</summary>
public sealed class EncryptionAtRestTests
{
    [Fact]
    public async Task NativeGrain_Stopped_NoFileUnderTheDataDirectoryHoldsItsDataOrLog()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        var marker = "plaintext-marker-" + Guid.NewGuid().ToString("N");
        await NotesSteps.CreateNoteAsync(browser, origin, marker);
        var logLine = "starting sandbox " + grainId;

        using (var stop = await host.Api.PostAsync($"api/grains/{grainId}/stop", null))
        {
            await Ensure.SuccessAsync(stop);
        }

        var log = await host.Api.GetStringAsync($"api/grains/{grainId}/logs");
        var (dataHits, filesRead) = PlaintextScan.Find(host.Paths.Root, marker);
        var (logHits, _) = PlaintextScan.Find(host.Paths.Root, logLine);

        Assert.Contains(logLine, log, StringComparison.Ordinal);
        Assert.True(filesRead > 5, $"only {filesRead} files were scanned");
        Assert.Empty(dataHits);
        Assert.Empty(logHits);
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.GrainStorage(grainId)));
        using var again = await browser.Http.GetAsync(new Uri(origin, "api/notes"));
        await Ensure.SuccessAsync(again);
        Assert.Contains(marker, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WasmGrain_Stopped_NoFileUnderTheDataDirectoryHoldsItsDataOrLog()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.ProbeAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync(session.Url);
        var marker = "plaintext-marker-" + Guid.NewGuid().ToString("N");

        await ProbeStorage.PutAsync(browser, origin, marker);

        using (var trap = await browser.Http.GetAsync(new Uri(origin, "trap")))
        {
            Assert.False(trap.IsSuccessStatusCode);
        }

        using (var stop = await host.Api.PostAsync($"api/grains/{grain.Id}/stop", null))
        {
            await Ensure.SuccessAsync(stop);
        }

        var log = await host.Api.GetStringAsync($"api/grains/{grain.Id}/logs");
        const string LogLine = "request GET /trap stopped";
        var (dataHits, _) = PlaintextScan.Find(host.Paths.Root, marker);
        var (logHits, _) = PlaintextScan.Find(host.Paths.Root, LogLine);

        Assert.Contains(LogLine, log, StringComparison.Ordinal);
        Assert.Empty(dataHits);
        Assert.Empty(logHits);
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.GrainStorage(grain.Id)));
        using var readBack = await browser.Http.GetAsync(new Uri(origin, "storage"));
        Assert.Equal(marker, await readBack.Content.ReadAsStringAsync());
    }
}
