using Outpost.Sandboxing.Storage;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Proxy;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>Plaintext views exist only while needed: a server shutdown unmounts them, and a start unmounts what a crash left.</summary>
public sealed class StorageMountTests
{
    [Fact]
    public async Task ServerShutdown_UnmountsTheViewsOfRunningNativeAndWasmGrains()
    {
        using var data = new TempDir("mounts");
        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            var (_, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
            using (browser)
            using (var notes = await browser.Http.GetAsync(new Uri(origin, "api/notes")))
            {
                await Ensure.SuccessAsync(notes);
            }

            var probe = await host.InstallAsync((await SamplePackages.ProbeAsync()).File);
            var grain = await host.NewGrainAsync(probe.AppId);
            using var wasmBrowser = host.Browser();
            await ProbeStorage.PutAsync(wasmBrowser, await wasmBrowser.RedeemAsync((await host.OpenAsync(grain.Id)).Url), "kept");
            Assert.Equal(2, MountsUnder(data.Path).Count);
        }

        Assert.Empty(MountsUnder(data.Path));
    }

    [Fact]
    public async Task IdleWasmGrain_ItsViewIsUnmounted_AndTheNextRequestMountsItAgain()
    {
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:Grains:IdleTimeout"] = "00:00:02" });
        var probe = await host.InstallAsync((await SamplePackages.ProbeAsync()).File);
        var grain = await host.NewGrainAsync(probe.AppId);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grain.Id)).Url);
        await ProbeStorage.PutAsync(browser, origin, "still here");
        Assert.Single(MountsUnder(host.Paths.Root));

        await Wait.UntilAsync(() => Task.FromResult(MountsUnder(host.Paths.Root).Count == 0), TimeSpan.FromSeconds(60), "the idle grain's view to be unmounted");
        using var again = await browser.Http.GetAsync(new Uri(origin, "storage"));

        Assert.Equal("still here", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Start_UnmountsViewsLeftMountedByACrashedServer()
    {
        using var data = new TempDir("mounts");
        var paths = new DataPaths(data.Path);
        var volumes = new EncryptedVolumes(new EncryptedVolumeOptions());
        var cipherDir = paths.GrainEncryptedStorage("0123456789abcdef0123456789abcdef");
        await volumes.InitAsync(cipherDir, "password");
        var leftBehind = await volumes.MountAsync(cipherDir, paths.GrainStorage("0123456789abcdef0123456789abcdef"), "password", ownerUid: null);

        await using (await OutpostHost.StartAsync(data: data))
        {
            Assert.Empty(MountsUnder(data.Path));
        }

        await leftBehind.DisposeAsync();
    }

    private static List<string> MountsUnder(string root) =>
        File.ReadLines("/proc/self/mountinfo").Where(line => line.Contains(" - fuse.gocryptfs ", StringComparison.Ordinal) && line.Contains(root + "/", StringComparison.Ordinal)).ToList();
}
