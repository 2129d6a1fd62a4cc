using Outpost.Server.Encryption;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary><c>outpost key rotate</c>: every key re-wrapped under the new master key, resumable after a crash.</summary>
public sealed class KeyRotationTests
{
    private static readonly MasterKeyInputs FileKey = MasterKeyInputs.Current(_ => null);
    private static readonly MasterKeyInputs NewFileKey = MasterKeyInputs.New(_ => null);

    [Fact]
    public async Task Rotation_InterruptedMidway_ThenResumed_EveryGrainStillOpens()
    {
        using var data = new TempDir("rotate");
        var paths = new DataPaths(data.Path);
        var grains = await CreateGrainsAsync(data, count: 3);
        var oldKey = await File.ReadAllTextAsync(paths.MasterKeyFile);

        var crashed = new KeyRotation(paths, TimeProvider.System, TextWriter.Null) { CrashAfter = 2 };
        await Assert.ThrowsAsync<InvalidOperationException>(() => crashed.RunAsync(FileKey, NewFileKey));
        var refused = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));
        var output = new StringWriter();
        var resumed = await new KeyRotation(paths, TimeProvider.System, output).RunAsync(FileKey, NewFileKey);

        Assert.Contains("interrupted", refused.Message, StringComparison.Ordinal);
        Assert.Contains("outpost key rotate", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Resuming", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, resumed.KeysRewrapped); // 3 grain keys + the server secrets key, 2 done before the crash
        Assert.NotEqual(oldKey, await File.ReadAllTextAsync(paths.MasterKeyFile));
        Assert.False(File.Exists(paths.NewMasterKeyFile));
        await AssertGrainsOpenAsync(data, grains);
    }

    [Fact]
    public async Task Rotation_ToAPassphrase_ThenTheOldKeyFileNoLongerOpens()
    {
        using var data = new TempDir("rotate");
        var paths = new DataPaths(data.Path);
        var grains = await CreateGrainsAsync(data, count: 1);
        var passphrase = new Dictionary<string, string?> { [MasterKeyInputs.NewPassphraseVariable] = "a long new passphrase" };

        await new KeyRotation(paths, TimeProvider.System, TextWriter.Null).RunAsync(FileKey, MasterKeyInputs.New(name => passphrase.GetValueOrDefault(name)));

        Assert.False(File.Exists(paths.MasterKeyFile));
        await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));
        await AssertGrainsOpenAsync(data, grains, new() { [MasterKeyInputs.PassphraseVariable] = "a long new passphrase" });
    }

    [Fact]
    public async Task Rotation_InterruptedBetweenItsLastCommitAndTheRename_TheNextStartFinishesIt()
    {
        using var data = new TempDir("rotate");
        var paths = new DataPaths(data.Path);
        var grains = await CreateGrainsAsync(data, count: 1);
        var oldKey = await File.ReadAllTextAsync(paths.MasterKeyFile);
        await new KeyRotation(paths, TimeProvider.System, TextWriter.Null).RunAsync(FileKey, NewFileKey);
        // The state a crash right after the database switched keys leaves: the new key still beside the old one.
        File.Move(paths.MasterKeyFile, paths.NewMasterKeyFile);
        await File.WriteAllTextAsync(paths.MasterKeyFile, oldKey);
        File.SetUnixFileMode(paths.MasterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var newKey = await File.ReadAllTextAsync(paths.NewMasterKeyFile);

        await AssertGrainsOpenAsync(data, grains);

        Assert.Equal(newKey, await File.ReadAllTextAsync(paths.MasterKeyFile));
        Assert.False(File.Exists(paths.NewMasterKeyFile));
    }

    [Fact]
    public async Task Rotation_WhileTheServerRuns_IsRefused_AndChangesNothing()
    {
        using var data = new TempDir("rotate");
        var paths = new DataPaths(data.Path);
        await using var host = await OutpostHost.StartAsync(data: data);
        var key = await File.ReadAllTextAsync(paths.MasterKeyFile);

        var error = await Assert.ThrowsAsync<DataDirectoryInUseException>(() => new KeyRotation(paths, TimeProvider.System, TextWriter.Null).RunAsync(FileKey, NewFileKey));

        Assert.Contains("Stop the server", error.Message, StringComparison.Ordinal);
        Assert.Equal(key, await File.ReadAllTextAsync(paths.MasterKeyFile));
        Assert.False(File.Exists(paths.NewMasterKeyFile));
    }

    [Fact]
    public async Task Rotation_ResumedWithAnotherNewKey_IsRefused()
    {
        using var data = new TempDir("rotate");
        var paths = new DataPaths(data.Path);
        await CreateGrainsAsync(data, count: 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new KeyRotation(paths, TimeProvider.System, TextWriter.Null) { CrashAfter = 1 }.RunAsync(FileKey, NewFileKey));
        var other = new Dictionary<string, string?> { [MasterKeyInputs.NewKeyVariable] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };

        var error = await Assert.ThrowsAsync<MasterKeyException>(() =>
            new KeyRotation(paths, TimeProvider.System, TextWriter.Null).RunAsync(FileKey, MasterKeyInputs.New(name => other.GetValueOrDefault(name))));

        Assert.Contains("same new key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>WebAssembly probe grains, each storing its own marker; the server is stopped afterwards.</summary>
    private static async Task<Dictionary<string, string>> CreateGrainsAsync(TempDir data, int count)
    {
        await using var host = await OutpostHost.StartAsync(data: data);
        var app = await host.InstallAsync((await SamplePackages.ProbeAsync()).File);
        var markers = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var grain = await host.NewGrainAsync(app.AppId);
            var marker = $"grain {i} {Guid.NewGuid():N}";
            var session = await host.OpenAsync(grain.Id);
            using var browser = host.Browser();
            await ProbeStorage.PutAsync(browser, await browser.RedeemAsync(session.Url), marker);
            markers[grain.Id] = marker;
        }

        return markers;
    }

    private static async Task AssertGrainsOpenAsync(TempDir data, Dictionary<string, string> markers, Dictionary<string, string?>? settings = null)
    {
        await using var host = await OutpostHost.StartAsync(settings, data);
        foreach (var (grainId, marker) in markers)
        {
            var session = await host.OpenAsync(grainId);
            using var browser = host.Browser();
            var origin = await browser.RedeemAsync(session.Url);
            using var response = await browser.Http.GetAsync(new Uri(origin, "storage"));
            Assert.Equal(marker, await response.Content.ReadAsStringAsync());
        }
    }
}
