namespace Outpost.Packaging.Tests.Reading;

/// <summary>The manifest inside a package, and the paths it names.</summary>
public sealed class PackagedManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("{ not json", "manifest: not valid JSON")]
    [InlineData("{\"manifestVersion\": 2}", "manifest: 'manifestVersion' is 2")]
    [InlineData("{\"title\": \"x\"}", "manifest: 'version' is required")]
    public async Task VerifyAsync_BadManifest_IsRejected(string manifest, string expected)
    {
        var path = TarBuilder.Valid(manifest).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, expected);
    }

    [Fact]
    public async Task VerifyAsync_ManifestIsDirectory_IsRejected()
    {
        var path = TarBuilder.Empty().Dir("manifest.json").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "package entry 'manifest.json' must be a regular file");
    }

    [Fact]
    public async Task VerifyAsync_CommandMissing_IsRejected()
    {
        var path = TarBuilder.Empty().File("manifest.json", TestManifests.Minimal).Dir("root").Dir("root/app").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "manifest: 'command.path' /app/run does not exist in the package");
    }

    [Fact]
    public async Task VerifyAsync_CommandIsDirectory_IsRejected()
    {
        var path = TarBuilder.Empty().File("manifest.json", TestManifests.Minimal).Dir("root").Dir("root/app").Dir("root/app/run")
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "manifest: 'command.path' /app/run is a directory, not a file");
    }

    [Theory]
    [InlineData(0x1A4)]
    [InlineData(0x1C4)]
    public async Task VerifyAsync_NativeCommandNotExecutableByAll_IsRejected(int mode)
    {
        var path = TarBuilder.Empty().File("manifest.json", TestManifests.Minimal).Dir("root").Dir("root/app").File("root/app/run", "x", mode)
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "is not executable");
    }

    [Fact]
    public async Task VerifyAsync_CommandSymlinkDangling_IsRejected()
    {
        var manifest = TestManifests.Minimal.Replace("/app/run", "/app/start", StringComparison.Ordinal);
        var path = TarBuilder.Valid(manifest).Symlink("root/app/start", "nothing").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "manifest: 'command.path' /app/start does not exist in the package");
    }

    [Fact]
    public async Task VerifyAsync_IconMissing_IsRejected()
    {
        var manifest = TestManifests.Minimal.Replace("\"port\": 8000", "\"port\": 8000, \"metadata\": { \"icon\": \"/app/icon.svg\" }", StringComparison.Ordinal);
        var path = TarBuilder.Valid(manifest).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "manifest: 'metadata.icon' /app/icon.svg does not exist in the package");
    }

    [Fact]
    public async Task VerifyAsync_IconPresent_IsAccepted()
    {
        var manifest = TestManifests.Minimal.Replace("\"port\": 8000", "\"port\": 8000, \"metadata\": { \"icon\": \"/app/icon.svg\" }", StringComparison.Ordinal);
        var path = TarBuilder.Valid(manifest).File("root/app/icon.svg", "<svg/>").WritePackage(_dir.Path, _key);

        var info = await PackageVerifier.VerifyAsync(path, new PackageLimits());

        Assert.Equal("/app/icon.svg", info.Manifest.Metadata.Icon);
    }

    [Fact]
    public async Task VerifyAsync_WasmModuleNeedNotBeExecutable_IsAccepted()
    {
        var manifest = TestManifests.Minimal
            .Replace("/app/run", "/app/main.wasm", StringComparison.Ordinal)
            .Replace("\"port\": 8000", "\"sandbox\": \"wasm\"", StringComparison.Ordinal);
        var path = TarBuilder.Valid(manifest).File("root/app/main.wasm", "\0asm", 0x1A4).WritePackage(_dir.Path, _key);

        var info = await PackageVerifier.VerifyAsync(path, new PackageLimits());

        Assert.Equal(SandboxKind.Wasm, info.Manifest.Sandbox);
    }
}
