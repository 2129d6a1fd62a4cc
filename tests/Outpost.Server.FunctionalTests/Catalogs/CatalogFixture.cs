using Outpost.Packaging;
using Outpost.Packaging.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>
/// A <see cref="CatalogSite"/> publishing notes v1 in a catalog signed by a new key, and a server subscribed to it
/// (with notes v1 installed from it unless told otherwise).
/// </summary>
internal sealed class CatalogFixture : IAsyncDisposable
{
    private readonly TempDir _work = new("catalog-packages");

    private CatalogFixture(CatalogSite site, OutpostHost host, SamplePackages.Packed notes)
    {
        Site = site;
        Host = host;
        Notes = notes;
    }

    public CatalogSite Site { get; }

    public OutpostHost Host { get; }

    public SamplePackages.Packed Notes { get; }

    public SigningKey CatalogKey { get; } = SigningKey.Generate();

    public static async Task<CatalogFixture> StartAsync(bool install = true, Dictionary<string, string?>? settings = null)
    {
        var fixture = new CatalogFixture(await CatalogSite.StartAsync(), await OutpostHost.StartAsync(settings), await SamplePackages.NotesAsync());
        fixture.Site.Add(fixture.Notes.File, "notes-1.opk");
        await fixture.Site.PublishAsync(fixture.CatalogKey);
        using var subscribed = await CatalogSteps.SubscribeAsync(fixture.Host, fixture.Site.CatalogUrl, fixture.CatalogKey.AppId);
        await Ensure.SuccessAsync(subscribed);
        if (install)
        {
            await CatalogSteps.InstallFromCatalogAsync(fixture.Host, fixture.Notes.Info.AppId);
        }

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
