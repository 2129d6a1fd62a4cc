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
    public async Task Check_CatalogTamperedAfterSubscribing_IsRefusedAndTheStoredCopyStays()
    {
        await using var site = await CatalogSite.StartAsync();
        await using var host = await OutpostHost.StartAsync();
        using var catalogKey = SigningKey.Generate();
        var notes = await SamplePackages.NotesAsync();
        site.Add(notes.File, "notes.opk");
        await site.PublishAsync(catalogKey);
        (await CatalogSteps.SubscribeAsync(host, site.CatalogUrl, catalogKey.AppId)).Dispose();
        await TamperAsync(site);

        var report = await CatalogSteps.CheckAsync(host);
        var subscription = Assert.Single((await host.Api.GetFromJsonAsync<List<CatalogSummary>>("api/catalogs"))!);
        var offered = await host.Api.GetFromJsonAsync<List<CatalogAppSummary>>("api/catalogs/apps");

        var line = Assert.Single(report.Lines);
        Assert.Equal("refused", line.Outcome);
        Assert.Contains("catalog signature is not valid", line.Message, StringComparison.Ordinal);
        Assert.Contains("catalog signature is not valid", subscription.LastError, StringComparison.Ordinal);
        Assert.Equal(notes.Info.AppId, Assert.Single(offered!).AppId);
    }

    [Fact]
    public async Task Check_PackageNotMatchingTheCatalogHash_IsRefusedAndV1Stays()
    {
        await using var fixture = await UpdateFixture.StartAsync();
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
        await using var fixture = await UpdateFixture.StartAsync();
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
        await using var fixture = await UpdateFixture.StartAsync();
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
        await using var fixture = await UpdateFixture.StartAsync();
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
        await using var fixture = await UpdateFixture.StartAsync();
        await fixture.WriteCatalogAsync(new CatalogVersion
        {
            Version = 2, MarketingVersion = "2.0.0", Url = new Uri(fixture.Site.BaseUrl, "endless.opk").AbsoluteUri, Size = 5 << 20, Sha256 = new string('0', 64),
        });

        var line = await fixture.CheckAndExpectRefusalAsync();

        Assert.Contains($"more than the {5 << 20} bytes the catalog declares", line, StringComparison.Ordinal);
    }

    private static async Task TamperAsync(CatalogSite site)
    {
        var path = Path.Combine(site.Folder.Path, CatalogBuilder.FileName);
        var file = JsonNode.Parse(await File.ReadAllBytesAsync(path))!;
        var body = Encoding.UTF8.GetString(Convert.FromBase64String((string)file["body"]!)).Replace("Test catalog", "Evil catalog", StringComparison.Ordinal);
        file["body"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        await File.WriteAllTextAsync(path, file.ToJsonString());
    }

    /// <summary>A server with notes v1 installed from a subscribed catalog served by a <see cref="CatalogSite"/>.</summary>
    private sealed class UpdateFixture : IAsyncDisposable
    {
        private readonly TempDir _work = new("catalog-packages");

        private UpdateFixture(CatalogSite site, OutpostHost host, SamplePackages.Packed notes)
        {
            Site = site;
            Host = host;
            Notes = notes;
        }

        public CatalogSite Site { get; }

        public OutpostHost Host { get; }

        public SamplePackages.Packed Notes { get; }

        public SigningKey CatalogKey { get; } = SigningKey.Generate();

        public static async Task<UpdateFixture> StartAsync()
        {
            var fixture = new UpdateFixture(await CatalogSite.StartAsync(), await OutpostHost.StartAsync(), await SamplePackages.NotesAsync());
            fixture.Site.Add(fixture.Notes.File, "notes-1.opk");
            await fixture.Site.PublishAsync(fixture.CatalogKey);
            using var subscribed = await CatalogSteps.SubscribeAsync(fixture.Host, fixture.Site.CatalogUrl, fixture.CatalogKey.AppId);
            await Ensure.SuccessAsync(subscribed);
            await CatalogSteps.InstallFromCatalogAsync(fixture.Host, fixture.Notes.Info.AppId);
            return fixture;
        }

        public Task<string> RepackAsync(int version, SigningKey? key = null) => SamplePackages.RepackNotesAsync(Notes, _work.Path, version, key);

        /// <summary>Publishes a catalog listing notes v1 and <paramref name="next"/>, signed by the catalog key.</summary>
        public Task WriteCatalogAsync(CatalogVersion next) => Site.WriteAsync(
            new Catalog
            {
                KeyId = CatalogKey.AppId,
                Title = "Test catalog",
                PublishedAt = DateTimeOffset.UtcNow,
                Apps =
                [
                    new CatalogApp
                    {
                        Id = Notes.Info.AppId,
                        Title = "Notes",
                        Versions = [next, new CatalogVersion { Version = 1, MarketingVersion = "1.0.0", Url = "notes-1.opk", Size = Notes.Info.Size, Sha256 = Notes.Info.Sha256 }],
                    },
                ],
            },
            CatalogKey);

        /// <summary>Runs a check that must refuse the update; asserts v1 alone stays installed and nothing is left over.</summary>
        public async Task<string> CheckAndExpectRefusalAsync()
        {
            var report = await CatalogSteps.CheckAsync(Host);
            var line = Assert.Single(report.Lines, l => l.AppId == Notes.Info.AppId);
            Assert.Equal("refused", line.Outcome);
            Assert.Equal(1, Assert.Single(await CatalogSteps.AppsAsync(Host)).Version);
            Assert.Equal(["1"], CatalogSteps.VersionDirs(Host, Notes.Info.AppId));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Host.Paths.Temp));
            return line.Message;
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Site.DisposeAsync();
            CatalogKey.Dispose();
            _work.Dispose();
        }
    }
}
