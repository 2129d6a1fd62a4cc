using System.Text.Json.Nodes;

namespace Outpost.Packaging.Tests.Building;

/// <summary>
/// The "npm" part of a recipe against the real npm client and registry: hostile names and versions are refused before
/// npm runs, npm's failures become clear errors, and nothing is written or cached when anything fails.
/// </summary>
public sealed class NpmRecipeTests : IDisposable
{
    // A real, tiny package with no dependencies, so the tests that install stay fast.
    private const string SmallPackage = "is-number";
    private const string SmallVersion = "7.0.0";

    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    private PackSettings Settings => new() { NpmCacheDir = _dir["npm-cache"] };

    [Theory]
    [InlineData("^5.3.8")]
    [InlineData("~5.3.8")]
    [InlineData("latest")]
    [InlineData("5.3")]
    [InlineData("5.3.8 || 6.0.0")]
    [InlineData(">=1.0.0")]
    [InlineData("file:../../etc")]
    [InlineData("git+https://example.org/x.git")]
    [InlineData("05.3.8")]
    [InlineData("")]
    [InlineData("5.3.8\n")]
    public async Task PackAsync_VersionNotExact_ThrowsBeforeNpmAndWritesNothing(string version)
    {
        var e = await PackRefusedAsync(Npm(SmallPackage, version));

        Assert.Contains("pack.npm.version", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("_private")]
    [InlineData("a/b")]
    [InlineData("@scope/../x")]
    [InlineData("@scope/a/b")]
    [InlineData("/etc/passwd")]
    [InlineData("Upper")]
    [InlineData("name with space")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task PackAsync_PackageNameUnsafe_ThrowsBeforeNpmAndWritesNothing(string name)
    {
        var e = await PackRefusedAsync(Npm(name, SmallVersion));

        Assert.Contains("pack.npm.package", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../package-lock.json")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("*.json")]
    [InlineData("")]
    public async Task PackAsync_LockPathOutsideFolder_Throws(string lockPath)
    {
        var e = await PackRefusedAsync(Npm(SmallPackage, SmallVersion, lockPath));

        Assert.Contains("pack.npm.lock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_UnknownNpmField_Throws()
    {
        var npm = Npm(SmallPackage, SmallVersion);
        npm["registry"] = "http://127.0.0.1:1/";

        var e = await PackRefusedAsync(npm);

        Assert.Contains("'pack.npm.registry'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_MissingVersion_Throws()
    {
        var e = await PackRefusedAsync(new JsonObject { ["package"] = SmallPackage });

        Assert.Contains("pack.npm.version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_PackageNotInRegistry_ThrowsWithNpmsMessageAndCachesNothing()
    {
        var missing = "outpost-test-no-such-package-" + Guid.NewGuid().ToString("n")[..12];

        var e = await PackRefusedAsync(Npm(missing, "1.0.0"));

        Assert.Contains($"npm install {missing}@1.0.0 failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_NpmFails_ShowsItsErrorAndWritesNothing()
    {
        var fakeNpm = PackFolder.WriteFile(_dir.Path, "bin/npm", "#!/bin/sh\necho 'npm ERR! registry unreachable' >&2\nexit 7\n", executable: true);

        var e = await PackRefusedAsync(Npm(SmallPackage, SmallVersion), Settings with { NpmPath = fakeNpm });

        Assert.Contains("exit code 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("registry unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_NpmMissing_SaysToInstallIt()
    {
        var e = await PackRefusedAsync(Npm(SmallPackage, SmallVersion), Settings with { NpmPath = _dir["no/such/npm"] });

        Assert.Contains("apt install npm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_NpmInstallsSomethingElse_Throws()
    {
        // An npm that "succeeds" without installing the package must not produce a package missing it.
        var fakeNpm = PackFolder.WriteFile(_dir.Path, "bin/npm", "#!/bin/sh\necho '{}' > package-lock.json\nexit 0\n", executable: true);

        var e = await PackRefusedAsync(Npm(SmallPackage, SmallVersion), Settings with { NpmPath = fakeNpm });

        Assert.Contains($"did not install {SmallPackage}@{SmallVersion}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_RealPackage_PlacesItUnderOptWritesLockAndRebuildsIdenticallyFromCache()
    {
        var source = PackFolder.Create(_dir["src"], new JsonObject { ["npm"] = Npm(SmallPackage, SmallVersion, "package-lock.json") });
        var progress = new List<string>();

        await PackageBuilder.PackAsync(source, _key, _dir["first.opk"], Settings with { Progress = progress.Add });
        // The second build must come from the cache: an npm that always fails proves npm is not run again.
        var brokenNpm = PackFolder.WriteFile(_dir.Path, "bin/npm", "#!/bin/sh\nexit 1\n", executable: true);
        await PackageBuilder.PackAsync(source, _key, _dir["second.opk"], Settings with { NpmPath = brokenNpm });

        Assert.Equal(File.ReadAllBytes(_dir["first.opk"]), File.ReadAllBytes(_dir["second.opk"]));
        Assert.Contains(progress, line => line.Contains("npm install is-number@7.0.0", StringComparison.Ordinal));
        var lockJson = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "package-lock.json")))!;
        Assert.StartsWith("sha512-", lockJson["packages"]!["node_modules/is-number"]!["integrity"]!.GetValue<string>(), StringComparison.Ordinal);
        var root = Path.Combine(_dir["extracted"], "root");
        await PackageExtractor.ExtractAsync(_dir["first.opk"], _dir["extracted"], new PackageLimits(), Rejection.MountPoints);
        var installed = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "opt/is-number/node_modules/is-number/package.json")))!;
        Assert.Equal(SmallVersion, installed["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task PackAsync_LockWithTamperedIntegrity_NpmCiRefusesIt()
    {
        var source = PackFolder.Create(_dir["src"], new JsonObject { ["npm"] = Npm(SmallPackage, SmallVersion, "package-lock.json") });
        await PackageBuilder.PackAsync(source, _key, _dir["first.opk"], Settings);
        var lockPath = Path.Combine(source, "package-lock.json");
        var lockJson = JsonNode.Parse(File.ReadAllText(lockPath))!;
        var fake = Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData("not the real tarball"u8));
        lockJson["packages"]!["node_modules/is-number"]!["integrity"] = "sha512-" + fake;
        File.WriteAllText(lockPath, lockJson.ToJsonString());

        var e = await PackRefusedAsync(source, Settings);

        Assert.Contains($"npm ci {SmallPackage}@{SmallVersion} failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("integrity", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PackAsync_LockForAnotherVersion_Throws()
    {
        var source = PackFolder.Create(_dir["src"], new JsonObject { ["npm"] = Npm(SmallPackage, "7.0.0", "package-lock.json") });
        File.WriteAllText(Path.Combine(source, "package-lock.json"),
            """{"lockfileVersion":3,"packages":{"":{"dependencies":{"is-number":"6.0.0"}}}}""");

        var e = await PackRefusedAsync(source, Settings);

        Assert.Contains("was not made for is-number@7.0.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_LockNotJson_Throws()
    {
        var source = PackFolder.Create(_dir["src"], new JsonObject { ["npm"] = Npm(SmallPackage, SmallVersion, "package-lock.json") });
        File.WriteAllText(Path.Combine(source, "package-lock.json"), "{ not json");

        var e = await PackRefusedAsync(source, Settings);

        Assert.Contains("is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Npm(string package, string version, string? lockFile = null)
    {
        var npm = new JsonObject { ["package"] = package, ["version"] = version };
        if (lockFile is not null)
        {
            npm["lock"] = lockFile;
        }

        return npm;
    }

    private Task<PackageException> PackRefusedAsync(JsonObject npm, PackSettings? settings = null) =>
        PackRefusedAsync(PackFolder.Create(_dir["src"], new JsonObject { ["npm"] = npm }), settings ?? Settings);

    // Every refusal leaves no package and no install in the cache (a half-made one would be reused later).
    private async Task<PackageException> PackRefusedAsync(string source, PackSettings settings)
    {
        var cachedBefore = CacheEntries(settings);
        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["refused.opk"], settings));

        Assert.False(File.Exists(_dir["refused.opk"]));
        Assert.Equal(cachedBefore, CacheEntries(settings));
        return e;
    }

    private static string[] CacheEntries(PackSettings settings) =>
        Directory.Exists(settings.NpmCacheDir) ? [.. Directory.EnumerateFileSystemEntries(settings.NpmCacheDir).Order(StringComparer.Ordinal)] : [];
}
