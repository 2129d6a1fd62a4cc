using Outpost.Cli.Commands;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary><c>outpost key rotate</c> as an administrator runs it.</summary>
public sealed class KeyCliTests
{
    [Fact]
    public async Task KeyRotate_StoppedServer_ReplacesTheKeyFileAndSaysSo()
    {
        using var data = new TempDir("key-cli");
        var grainId = await MasterKeyTests.StartAndStopWithAGrainAsync(data);
        var paths = new DataPaths(data.Path);
        var oldKey = await File.ReadAllTextAsync(paths.MasterKeyFile);
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CommandLine.RunAsync(["key", "rotate", "--data", data.Path], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("Master key rotated", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("re-wrapped 2/2 keys", output.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(oldKey, await File.ReadAllTextAsync(paths.MasterKeyFile));
        await using var host = await OutpostHost.StartAsync(data: data);
        Assert.Contains("starting sandbox", await host.Api.GetStringAsync($"api/grains/{grainId}/logs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRotate_WhileTheServerRuns_ExitsNonZeroSayingToStopIt()
    {
        await using var host = await OutpostHost.StartAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await CommandLine.RunAsync(["key", "rotate", "--data", host.Paths.Root], output, error);

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Stop the server", error.ToString(), StringComparison.Ordinal);
    }
}
