using System.Net;
using Outpost.Cli.Commands;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Sharing;

namespace Outpost.Server.FunctionalTests.Cli;

/// <summary><c>outpost grain share</c>, <c>grain access</c> and <c>share revoke</c> against a real server.</summary>
public sealed class ShareCliTests
{
    [Fact]
    public async Task ShareAccessRevoke_LinkWorksUntilRevokedAndIsListedWithItsShareId()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await SharingSteps.NotesGrainAsync(host);
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];

        var share = await RunAsync(["grain", "share", grainId, "--role", "viewer", "--label", "for the team", "--expires", "7d", .. server]);
        var link = share.Output.Trim();
        using var opened = await SharingSteps.OpenLinkAsync(host, link);
        var access = await RunAsync(["grain", "access", grainId, .. server]);
        var shareId = access.Output.Split('\n').Skip(1).Select(l => l.Split(' ', 2)[0]).First(id => id.Length > 1 && id != "-");
        var revoke = await RunAsync(["share", "revoke", shareId, .. server]);
        using var afterRevoke = await SharingSteps.OpenLinkAsync(host, link);

        Assert.Equal(0, share.ExitCode);
        Assert.Contains("/shared/", link, StringComparison.Ordinal);
        Assert.True(opened.IsSuccessStatusCode, $"the fresh link was refused: {(int)opened.StatusCode}");
        Assert.Contains("viewer", access.Output, StringComparison.Ordinal);
        Assert.Contains("(owner)", access.Output, StringComparison.Ordinal);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal(HttpStatusCode.Forbidden, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task GrainLogAndShareRole_PrintTheVisitAndTheChangeAsTableAndJson()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await SharingSteps.NotesGrainAsync(host);
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];
        var link = await SharingSteps.SharedAsync(host.Api, grainId, "viewer", label: "for the team");
        using (var opened = await SharingSteps.OpenLinkAsync(host, link.Url!))
        {
            await Ensure.SuccessAsync(opened);
        }

        var role = await RunAsync(["share", "role", link.Id, "editor", .. server]);
        var table = await RunAsync(["grain", "log", grainId, .. server]);
        var json = await RunAsync(["grain", "log", grainId, "--json", "--action", "open", .. server]);
        var bad = await RunAsync(["grain", "log", grainId, "--action", "nonsense", .. server]);

        Assert.Equal(0, role.ExitCode);
        Assert.Equal(0, table.ExitCode);
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TIME (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Contains("share.change", lines[1], StringComparison.Ordinal);
        Assert.Contains("viewer → editor", lines[1], StringComparison.Ordinal);
        Assert.Contains("Anonymous", lines[2], StringComparison.Ordinal);
        Assert.Contains("for the team", lines[2], StringComparison.Ordinal);
        using var parsed = System.Text.Json.JsonDocument.Parse(json.Output);
        Assert.Equal(1, parsed.RootElement.GetArrayLength());
        Assert.Equal("open", parsed.RootElement[0].GetProperty("action").GetString());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Unknown action", bad.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1.12:00:00", 36 * 3600)]
    public void ParseDuration_CommonForms_AreUnderstood(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ShareCommands.ParseDuration(text));
    }

    [Fact]
    public async Task GrainShare_BadDuration_ExplainsTheFormats()
    {
        var result = await RunAsync("grain", "share", "0123", "--role", "viewer", "--expires", "soon", "--server", "http://127.0.0.1:9", "--token", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("30m, 12h, 7d", result.Error, StringComparison.Ordinal);
    }

    private static Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(args);
}
