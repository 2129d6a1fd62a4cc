using System.Diagnostics;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Cli;

/// <summary>The <c>outpost</c> command against a real server, the way an administrator scripts it.</summary>
public sealed class CliEndToEndTests
{
    [Fact]
    public async Task KeygenPackVerifyInstallNewOpen_ThenCurlFollowsTheLinkIntoTheApp()
    {
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("cli");
        var key = Path.Combine(work.Path, "app.key");
        var opk = Path.Combine(work.Path, "notes.opk");
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];

        var keygen = await RunAsync("keygen", "--out", key);
        var pack = await RunAsync("pack", RepoPaths.App("notes"), "--key", key, "--out", opk);
        var verify = await RunAsync("verify", opk);
        var install = await RunAsync(["app", "install", opk, .. server]);
        var appId = install.Output.Trim().Split('\n')[^1].Trim();
        var list = await RunAsync(["app", "list", .. server]);
        var grainId = (await RunAsync(["grain", "new", appId, "--title", "From the CLI", .. server])).Output.Trim();
        var url = (await RunAsync(["grain", "open", grainId, .. server])).Output.Trim();
        var page = await CurlAsync("-sS", "-L", "-b", "", url);
        var grains = await RunAsync(["grain", "list", .. server]);
        var logs = await RunAsync(["grain", "logs", grainId, .. server]);
        var stop = await RunAsync(["grain", "stop", grainId, .. server]);
        var delete = await RunAsync(["grain", "delete", grainId, .. server]);

        Assert.All(new[] { keygen, pack, verify, install, list, stop, delete }, r => Assert.Equal(0, r.ExitCode));
        Assert.Contains(appId, keygen.Output, StringComparison.Ordinal);
        Assert.Contains($"app id: {appId}", verify.Output, StringComparison.Ordinal);
        Assert.Contains("version: 1", verify.Output, StringComparison.Ordinal);
        Assert.Contains("Notes", list.Output, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", grainId);
        Assert.Contains("<title>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("From the CLI", grains.Output, StringComparison.Ordinal);
        Assert.Contains("running", grains.Output, StringComparison.Ordinal);
        Assert.Contains("started", logs.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Verify_CorruptFile_ExitsNonZeroWithAReason()
    {
        using var work = new TempDir("cli");
        var bad = Path.Combine(work.Path, "bad.opk");
        await File.WriteAllTextAsync(bad, "not a package");

        var result = await RunAsync("verify", bad);

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainList_WithoutToken_ExplainsHowToGetOne()
    {
        var result = await RunAsync("grain", "list", "--server", "http://127.0.0.1:9", "--token", "");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("outpost admin-token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrainList_ServerDown_SaysItCannotReachIt()
    {
        var result = await RunAsync("grain", "list", "--server", "http://127.0.0.1:9", "--token", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cannot reach Outpost", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminToken_IsStableAndStoredOnlyAsAHash()
    {
        using var data = new TempDir("token");

        var first = await RunAsync("admin-token", "--data", data.Path);
        var second = await RunAsync("admin-token", "--data", data.Path);
        var database = await File.ReadAllBytesAsync(Path.Combine(data.Path, "outpost.db"));
        var tokenFileMode = File.GetUnixFileMode(Path.Combine(data.Path, "admin.token"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(64, first.Output.Trim().Length);
        Assert.DoesNotContain(first.Output.Trim(), System.Text.Encoding.ASCII.GetString(database), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, tokenFileMode);
    }

    [Fact]
    public async Task Help_IsAvailableOnEveryCommand()
    {
        foreach (var command in new[] { "serve", "admin-token", "keygen", "pack", "verify", "app install", "app list", "app remove", "app pin", "app unpin", "catalog build", "catalog subscribe", "catalog list", "catalog apps", "catalog install", "catalog check", "catalog unsubscribe", "grain new", "grain open", "grain list", "grain stop", "grain delete", "grain logs", "grain share", "grain access", "share revoke" })
        {
            var result = await RunAsync([.. command.Split(' '), "--help"]);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        }
    }

    private static Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(args);

    private static async Task<string> CurlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {error}");
        return output;
    }
}
