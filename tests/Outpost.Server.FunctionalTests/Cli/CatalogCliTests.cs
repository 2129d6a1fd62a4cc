using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Cli;

/// <summary><c>outpost catalog …</c> and <c>outpost app pin</c> against a real server and a real catalog site.</summary>
public sealed class CatalogCliTests
{
    [Fact]
    public async Task BuildSubscribeInstallCheckPin_AsAnAdminScriptsIt()
    {
        await using var site = await CatalogSite.StartAsync();
        await using var host = await OutpostHost.StartAsync();
        using var work = new TempDir("catalog-cli");
        var key = Path.Combine(work.Path, "catalog.key");
        var notes = await SamplePackages.NotesAsync();
        site.Add(notes.File, "notes-1.opk");
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];

        var keygen = await CliRun.RunAsync("keygen", "--out", key);
        var catalogKey = keygen.Output.Trim().Split(' ')[^1];
        var build = await CliRun.RunAsync("catalog", "build", site.Folder.Path, "--key", key, "--title", "CLI catalog");
        var subscribe = await CliRun.RunAsync(["catalog", "subscribe", site.CatalogUrl.AbsoluteUri, "--key", catalogKey, .. server]);
        var apps = await CliRun.RunAsync(["catalog", "apps", .. server]);
        var install = await CliRun.RunAsync(["catalog", "install", notes.Info.AppId, .. server]);
        site.Add(await SamplePackages.RepackNotesAsync(notes, work.Path, 2), "notes-2.opk");
        var rebuild = await CliRun.RunAsync("catalog", "build", site.Folder.Path, "--key", key, "--title", "CLI catalog");
        var check = await CliRun.RunAsync(["catalog", "check", .. server]);
        var pin = await CliRun.RunAsync(["app", "pin", notes.Info.AppId, "1", .. server]);
        var pinMissing = await CliRun.RunAsync(["app", "pin", notes.Info.AppId, "9", .. server]);
        var list = await CliRun.RunAsync(["app", "list", .. server]);
        var catalogs = await CliRun.RunAsync(["catalog", "list", .. server]);

        Assert.All(new[] { keygen, build, subscribe, apps, install, rebuild, check, pin, list, catalogs }, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.Contains("1 app(s), 1 package(s)", build.Output, StringComparison.Ordinal);
        Assert.Contains($"catalog key: {catalogKey}", build.Output, StringComparison.Ordinal);
        Assert.Contains("subscribed to CLI catalog", subscribe.Output, StringComparison.Ordinal);
        Assert.Contains(notes.Info.AppId, apps.Output, StringComparison.Ordinal);
        Assert.Contains("installed Notes 1.0.0", install.Output, StringComparison.Ordinal);
        Assert.Contains("1 app(s), 2 package(s)", rebuild.Output, StringComparison.Ordinal);
        Assert.Contains("updated   Notes updated to 2.0.0 (#2)", check.Output, StringComparison.Ordinal);
        Assert.Equal(1, pinMissing.ExitCode);
        Assert.Contains("version #9 is not installed", pinMissing.Error, StringComparison.Ordinal);
        Assert.Contains("#1", list.Output.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("CLI catalog", catalogs.Output, StringComparison.Ordinal);
    }
}
