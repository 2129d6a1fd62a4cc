using Outpost.Packaging.Catalogs;

namespace Outpost.Packaging.Tests.Catalogs;

/// <summary><c>outpost catalog build</c>: a folder of packages becomes a signed catalog that reads back exactly.</summary>
public sealed class CatalogBuildTests
{
    private static readonly FixedTime Time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Build_TwoVersionsAndAnIcon_ListsBothHighestFirstWithRelativeUrlsAndHashes()
    {
        using var dir = new TempDirectory();
        using var appKey = SigningKey.Generate();
        using var catalogKey = SigningKey.Generate();
        var v1 = await PackAsync(dir, appKey, 1, "packages/app-1.opk");
        var v2 = await PackAsync(dir, appKey, 2, "packages/app 2.opk");

        var file = await CatalogBuilder.BuildAsync(dir["packages"], catalogKey, "Test catalog", Time);
        var catalog = CatalogReader.Read(file, catalogKey.AppId);

        var app = Assert.Single(catalog.Apps);
        Assert.Equal(appKey.AppId, app.Id);
        Assert.Equal([2, 1], app.Versions.Select(v => v.Version));
        Assert.Equal("app%202.opk", app.Latest.Url);
        Assert.Equal(v2.Sha256, app.Latest.Sha256);
        Assert.Equal(v1.Size, app.Versions[1].Size);
        Assert.StartsWith("data:image/svg+xml;base64,", app.Icon, StringComparison.Ordinal);
        Assert.Equal(catalogKey.AppId, catalog.KeyId);
        Assert.Equal(Time.GetUtcNow(), catalog.PublishedAt);
    }

    [Fact]
    public async Task Build_TwoPackagesWithTheSameVersion_IsRefusedNamingBoth()
    {
        using var dir = new TempDirectory();
        using var appKey = SigningKey.Generate();
        using var catalogKey = SigningKey.Generate();
        await PackAsync(dir, appKey, 1, "packages/a.opk");
        await PackAsync(dir, appKey, 1, "packages/b.opk");

        var e = await Assert.ThrowsAsync<PackageException>(() => CatalogBuilder.BuildAsync(dir["packages"], catalogKey, "t", Time));

        Assert.Contains("a.opk and b.opk are both version 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_TamperedPackageInTheFolder_IsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        using var appKey = SigningKey.Generate();
        using var catalogKey = SigningKey.Generate();
        await PackAsync(dir, appKey, 1, "packages/good.opk");
        var bad = dir["packages/bad.opk"];
        var bytes = await File.ReadAllBytesAsync(dir["packages/good.opk"]);
        bytes[^10] ^= 1;
        await File.WriteAllBytesAsync(bad, bytes);

        var e = await Assert.ThrowsAsync<PackageException>(() => CatalogBuilder.BuildAsync(dir["packages"], catalogKey, "t", Time));

        Assert.StartsWith("bad.opk: package signature is not valid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_EmptyFolder_SaysHowToMakePackages()
    {
        using var dir = new TempDirectory();
        using var catalogKey = SigningKey.Generate();

        var e = await Assert.ThrowsAsync<PackageException>(() => CatalogBuilder.BuildAsync(dir.Path, catalogKey, "t", Time));

        Assert.Contains("outpost pack", e.Message, StringComparison.Ordinal);
    }

    private static async Task<PackageInfo> PackAsync(TempDirectory dir, SigningKey key, int version, string output)
    {
        var source = dir.Sub($"src-{Guid.NewGuid():n}");
        PackFolder.Create(source, editManifest: m =>
        {
            m["version"] = version;
            m["marketingVersion"] = $"{version}.0";
            m["metadata"] = new System.Text.Json.Nodes.JsonObject { ["icon"] = "/app/icon.svg", ["description"] = "An app." };
        });
        PackFolder.WriteFile(source, "icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        Directory.CreateDirectory(Path.GetDirectoryName(dir[output])!);
        return await PackageBuilder.PackAsync(source, key, dir[output]);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
