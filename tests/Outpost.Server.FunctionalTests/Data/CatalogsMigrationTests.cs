using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Data;

/// <summary>A database from before app versions were tracked keeps its apps and grains after the CatalogsAndVersions migration.</summary>
public sealed class CatalogsMigrationTests
{
    [Fact]
    public async Task Migrate_FromSharing_RecordsTheInstalledVersionAndTheVersionEachGrainRuns()
    {
        using var data = new TempDir("migration");
        var paths = new DataPaths(data.Path);
        await using var db = new OutpostDbContext(Database.Options(paths));
        await db.GetService<IMigrator>().MigrateAsync("20261123124301_Sharing");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO Apps (AppId, Title, Version, MarketingVersion, ManifestJson, PackageSha256, PackageSize, InstalledAt, UpdatedAt) "
            + "VALUES ('app1', 'Notes', 3, '3.0', '{{}}', 'abc', 42, '2026-01-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00');");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO Grains (Id, Number, AppId, ActionId, Title, OwnerId, CreatedAt, FuelUsed) "
            + "VALUES ('g1', 1, 'app1', 'new', 'Old grain', 'admin', '2026-01-02 00:00:00+00:00', 0);");

        await db.Database.MigrateAsync();

        var version = Assert.Single(await db.AppVersions.ToListAsync());
        var grain = await db.Grains.SingleAsync();
        Assert.Equal(("app1", 3, "3.0", "abc", 42L), (version.AppId, version.Version, version.MarketingVersion, version.PackageSha256, version.PackageSize));
        Assert.Equal(3, grain.AppVersion);
        Assert.Null(grain.UpdatingFromVersion);
        Assert.Null((await db.Apps.SingleAsync()).PinnedVersion);
    }
}
