using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;
using Outpost.Server.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>
/// Catalogs and packages from a stranger's server that must be refused: each refusal says why, and the server keeps
/// exactly what it had (installed versions, files, stored catalog).
/// </summary>
public sealed class CatalogRefusalTests
{
    [Fact]
    public async Task Subscribe_CatalogChangedAfterSigning_IsRefusedAndNotSaved()
    {
        await using var site = await CatalogSite.StartAsync();
        await using var host = await OutpostHost.StartAsync();
        using var catalogKey = SigningKey.Generate();
        site.Add((await SamplePackages.NotesAsync()).File, "notes.opk");
        await site.PublishAsync(catalogKey);
        await TamperAsync(site);

        using var response = await CatalogSteps.SubscribeAsync(host, site.CatalogUrl, catalogKey.AppId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("catalog signature is not valid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!);
    }

    [Fact]
    public async Task Subscribe_CatalogLargerThanTheLimit_IsRefusedWithoutReadingItAll()
    {
        await using var site = await CatalogSite.StartAsync();
        await using var host = await OutpostHost.StartAsync();
        using var catalogKey = SigningKey.Generate();
        await using (var huge = File.Create(Path.Combine(site.Folder.Path, CatalogBuilder.FileName)))
        {
            huge.SetLength(CatalogLimits.Default.MaxCatalogBytes + 1);
        }

        using var response = await CatalogSteps.SubscribeAsync(host, site.CatalogUrl, catalogKey.AppId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"larger than {CatalogLimits.Default.MaxCatalogBytes} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!);
    }

    [Fact]
    public async Task Check_CatalogTamperedAfterSubscribing_IsRefusedAndTheStoredCopyStays()
    {
        await using var fixture = await CatalogFixture.StartAsync(install: false);
        await TamperAsync(fixture.Site);

        var report = await CatalogSteps.CheckAsync(fixture.Host);
        var subscription = Assert.Single((await fixture.Host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!);
        var offered = await fixture.Host.Api.GetFromJsonAsync<List<CatalogAppSummary>>("api/catalogs/apps");

        var line = Assert.Single(report.Lines);
        Assert.Equal("refused", line.Outcome);
        Assert.Contains("catalog signature is not valid", line.Message, StringComparison.Ordinal);
        Assert.Contains("catalog signature is not valid", subscription.LastError, StringComparison.Ordinal);
        Assert.Equal(fixture.Notes.Info.AppId, Assert.Single(offered!).AppId);
    }

    [Fact]
    public async Task Check_OlderCatalogServedAgain_IsRefusedAsAReplay()
    {
        await using var fixture = await CatalogFixture.StartAsync(install: false);
        var path = Path.Combine(fixture.Site.Folder.Path, CatalogBuilder.FileName);
        var old = await File.ReadAllBytesAsync(path);
        await fixture.Site.PublishAsync(fixture.CatalogKey);
        var refreshed = Assert.Single((await CatalogSteps.CheckAsync(fixture.Host)).Lines);
        await File.WriteAllBytesAsync(path, old);

        var replayed = Assert.Single((await CatalogSteps.CheckAsync(fixture.Host)).Lines);

        Assert.Equal("refreshed", refreshed.Outcome);
        Assert.Equal("refused", replayed.Outcome);
        Assert.Contains("before the copy this server already has", replayed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.1.2.3:9/notes-2.opk", "on this machine or a private network (10.1.2.3)")]
    [InlineData("http://169.254.169.254/latest/meta-data", "on this machine or a private network (169.254.169.254)")]
    [InlineData("http://[::1]:{port}/notes-2.opk", "on this machine or a private network (::1)")]
    [InlineData("http://localhost:{port}/notes-2.opk", "on this machine or a private network")]
    public async Task Check_PackageUrlOnAnotherHostInsideThisNetwork_IsRefusedWithoutFetching(string url, string reason)
    {
        // The catalog's own server (127.0.0.1 here) may be local: the administrator chose it. A package URL naming
        // another local host is the publisher's choice and must not make this server knock on local services.
        await using var fixture = await CatalogFixture.StartAsync();
        var v2 = fixture.Site.Add(await fixture.RepackAsync(2), "notes-2.opk");
        var info = await PackageVerifier.VerifyAsync(v2, PackageLimits.Default);
        await fixture.WriteCatalogAsync(new CatalogVersion
        {
            Version = 2,
            MarketingVersion = "2.0.0",
            Url = url.Replace("{port}", fixture.Site.CatalogUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            Size = info.Size,
            Sha256 = info.Sha256,
        });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.Contains("only addresses on the public internet are fetched", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PackageNotMatchingTheCatalogHash_IsRefusedAndV1Stays()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        var v2 = fixture.Site.Add(await fixture.RepackAsync(2), "notes-2.opk");
        await fixture.Site.PublishAsync(fixture.CatalogKey);
        var bytes = await File.ReadAllBytesAsync(v2);
        bytes[^100] ^= 0x01;
        await File.WriteAllBytesAsync(v2, bytes);

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains("not the", line, StringComparison.Ordinal);
        Assert.Contains("SHA-256", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PackageSignedByAnotherKeyUnderTheAppsId_IsRefusedAndV1Stays()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        using var impostor = SigningKey.Generate();
        var forged = fixture.Site.Add(await fixture.RepackAsync(2, impostor), "notes-2.opk");
        var forgedInfo = await PackageVerifier.VerifyAsync(forged, PackageLimits.Default);
        await fixture.WriteCatalogAsync(new CatalogVersion
        {
            Version = 2, MarketingVersion = "2.0.0", Url = "notes-2.opk", Size = forgedInfo.Size, Sha256 = forgedInfo.Sha256,
        });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains($"signed by key {impostor.AppId}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CatalogOfferingALowerVersion_IsRefusedAsADowngrade()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        await fixture.Host.InstallAsync(await fixture.RepackAsync(2));
        // The catalog still lists only version 1 (the fixture published it).

        var report = await CatalogSteps.CheckAsync(fixture.Host);
        using var install = await fixture.Host.Api.PostAsJsonAsync("api/catalogs/install", new CatalogInstallRequest { AppId = fixture.Notes.Info.AppId });

        Assert.Contains(report.Lines, l => l.Outcome == "refused" && l.Message.Contains("a downgrade is never installed", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, install.StatusCode);
        Assert.Contains("Only a higher version", await install.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(await CatalogSteps.AppsAsync(fixture.Host)).Version);
        Assert.Empty(Directory.EnumerateFileSystemEntries(fixture.Host.Paths.Temp));
    }

    [Fact]
    public async Task Check_PackageLargerThanTheCatalogDeclares_IsStoppedAndRefused()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        var v2 = await fixture.RepackAsync(2);
        var info = await PackageVerifier.VerifyAsync(v2, PackageLimits.Default);
        await using (var huge = File.OpenWrite(fixture.Site.Add(v2, "notes-2.opk")))
        {
            huge.SetLength(info.Size + (64L << 20));
        }

        await fixture.WriteCatalogAsync(new CatalogVersion { Version = 2, MarketingVersion = "2.0.0", Url = "notes-2.opk", Size = info.Size, Sha256 = info.Sha256 });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains($"more than the {info.Size} bytes the catalog declares", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EndlessDownloadWithoutLength_IsStoppedAtTheDeclaredSize()
    {
        await using var fixture = await CatalogFixture.StartAsync();
        await fixture.WriteCatalogAsync(new CatalogVersion
        {
            Version = 2, MarketingVersion = "2.0.0", Url = new Uri(fixture.Site.BaseUrl, "endless.opk").AbsoluteUri, Size = 5 << 20, Sha256 = new string('0', 64),
        });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains($"more than the {5 << 20} bytes the catalog declares", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_DownloadThatStalls_IsStoppedAtTheTimeout()
    {
        await using var fixture = await CatalogFixture.StartAsync(settings: new() { ["Outpost:Catalogs:DownloadTimeout"] = "00:00:02" });
        await fixture.WriteCatalogAsync(new CatalogVersion
        {
            Version = 2, MarketingVersion = "2.0.0", Url = "stalled.opk", Size = 1000, Sha256 = new string('0', 64),
        });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains("took longer than 2 s; stopped", line, StringComparison.Ordinal);
    }

    private static async Task TamperAsync(CatalogSite site)
    {
        var path = Path.Combine(site.Folder.Path, CatalogBuilder.FileName);
        var file = JsonNode.Parse(await File.ReadAllBytesAsync(path))!;
        var body = Encoding.UTF8.GetString(Convert.FromBase64String((string)file["body"]!)).Replace("Test catalog", "Evil catalog", StringComparison.Ordinal);
        file["body"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        await File.WriteAllTextAsync(path, file.ToJsonString());
    }
}
