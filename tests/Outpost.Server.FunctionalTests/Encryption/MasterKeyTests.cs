using System.Security.Cryptography;
using Outpost.Server.Encryption;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>The master key at start: created once, then required, and a wrong or malformed one changes nothing.</summary>
public sealed class MasterKeyTests
{
    [Fact]
    public async Task FirstStart_CreatesAKeyFileOnlyTheServerCanRead()
    {
        using var data = new TempDir("key");
        await using (await OutpostHost.StartAsync(data: data))
        {
        }

        var paths = new DataPaths(data.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.MasterKeyFile));
        Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(paths.MasterKeyFile)).Length);
    }

    [Fact]
    public async Task Start_WithAnotherKeyFile_FailsSayingSo_AndChangesNothing()
    {
        using var data = new TempDir("key");
        await StartAndStopWithAGrainAsync(data);
        var paths = new DataPaths(data.Path);
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
        await File.WriteAllTextAsync(paths.MasterKeyFile, wrongKey);
        var before = Snapshot(data.Path);

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));

        Assert.Contains("the master key does not match this data directory", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(paths.MasterKeyFile, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(data.Path));
        Assert.Equal(wrongKey, await File.ReadAllTextAsync(paths.MasterKeyFile));
    }

    [Fact]
    public async Task Start_WithoutTheKeyFile_FailsSayingSo_AndCreatesNoNewKey()
    {
        using var data = new TempDir("key");
        await StartAndStopWithAGrainAsync(data);
        var paths = new DataPaths(data.Path);
        File.Delete(paths.MasterKeyFile);
        var before = Snapshot(data.Path);

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));

        Assert.Contains("No master key", error.Message, StringComparison.Ordinal);
        Assert.Contains(MasterKeyInputs.KeyVariable, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.MasterKeyFile));
        Assert.Equal(before, Snapshot(data.Path));
    }

    [Fact]
    public async Task Passphrase_KeepsTheKeyOffTheDisk_AndAWrongOneIsRefused()
    {
        using var data = new TempDir("key");
        var right = new Dictionary<string, string?> { [MasterKeyInputs.PassphraseVariable] = "correct horse battery staple" };
        var grainId = await StartAndStopWithAGrainAsync(data, right);
        var paths = new DataPaths(data.Path);
        Assert.False(File.Exists(paths.MasterKeyFile));

        var wrong = await Assert.ThrowsAsync<MasterKeyException>(() =>
            OutpostHost.BuildAsync(data.Path, new() { [MasterKeyInputs.PassphraseVariable] = "incorrect horse" }));
        var none = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));
        await using var again = await OutpostHost.StartAsync(right, data);
        var log = await again.Api.GetStringAsync($"api/grains/{grainId}/logs");

        Assert.Contains("does not match", wrong.Message, StringComparison.Ordinal);
        Assert.Contains(MasterKeyInputs.PassphraseVariable, none.Message, StringComparison.Ordinal);
        Assert.Contains("starting sandbox", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")]
    public async Task Start_WithAMalformedEnvironmentKey_FailsSayingSo_AndWritesNoKey(string value)
    {
        using var data = new TempDir("key");

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path, new() { [MasterKeyInputs.KeyVariable] = value }));

        Assert.Contains($"{MasterKeyInputs.KeyVariable} is not an Outpost master key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new DataPaths(data.Path).MasterKeyFile));
    }

    [Fact]
    public async Task Start_WithAKeyFileOthersCanRead_IsRefused()
    {
        using var data = new TempDir("key");
        await using (await OutpostHost.StartAsync(data: data))
        {
        }

        var paths = new DataPaths(data.Path);
        File.SetUnixFileMode(paths.MasterKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithBothKeyAndPassphrase_IsRefused()
    {
        using var data = new TempDir("key");

        var error = await Assert.ThrowsAsync<MasterKeyException>(() => OutpostHost.BuildAsync(data.Path, new()
        {
            [MasterKeyInputs.KeyVariable] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [MasterKeyInputs.PassphraseVariable] = "a passphrase",
        }));

        Assert.Contains("set only one", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a server on <paramref name="data"/>, creates a probe grain and starts it once (so it has storage and a log), and stops.</summary>
    internal static async Task<string> StartAndStopWithAGrainAsync(TempDir data, Dictionary<string, string?>? settings = null)
    {
        await using var host = await OutpostHost.StartAsync(settings, data);
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync(session.Url);
        using var response = await browser.Http.GetAsync(new Uri(origin, "api/notes"));
        await Ensure.SuccessAsync(response);
        return grain.Id;
    }

    /// <summary>Every file's path and hash, but the database's shared-memory and write-ahead files, which opening it may touch.</summary>
    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("outpost.db-", StringComparison.Ordinal) && new FileInfo(f).LinkTarget is null)
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
