using System.Text;

namespace Outpost.Packaging.Tests.Reading;

public sealed class ExtractorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly string _packages;
    private readonly string _apps;

    public ExtractorTests()
    {
        _packages = _dir.Sub("packages");
        _apps = _dir.Sub("apps");
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task ExtractAsync_ValidPackage_WritesManifestAndTreeOnly()
    {
        var path = TarBuilder.Valid().WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "app");

        var info = await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []);

        Assert.Equal(_key.AppId, info.AppId);
        Assert.Equal(["manifest.json", "root"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order());
        Assert.Equal(TestManifests.MinimalBytes, File.ReadAllBytes(Path.Combine(target, "manifest.json")));
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(target, "root/app/run")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(target, "root/app/run")));
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_apps));
    }

    [Fact]
    public async Task ExtractAsync_MountPoints_ExistAsRealDirectories()
    {
        var path = TarBuilder.Valid().Dir("root/var").File("root/var/keep", "kept").WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "app");

        await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), Rejection.MountPoints);

        foreach (var mountPoint in Rejection.MountPoints)
        {
            var directory = new DirectoryInfo(Path.Combine(target, "root") + mountPoint);
            Assert.True(directory.Exists, mountPoint);
            Assert.Null(directory.LinkTarget);
            Assert.Equal((UnixFileMode)0x1ED, directory.UnixFileMode);
        }

        Assert.Equal("kept", File.ReadAllText(Path.Combine(target, "root/var/keep")));
    }

    [Fact]
    public async Task ExtractAsync_MountPointIsFile_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/tmp", "not a directory").WritePackage(_packages, _key);

        await AssertExtractRejectedAsync(path, "package has a file at '/tmp', where the sandbox needs a real directory to mount '/tmp'");
    }

    [Fact]
    public async Task ExtractAsync_MountPointParentIsSymlink_IsRejected()
    {
        var path = TarBuilder.Valid().Symlink("root/run", "app").WritePackage(_packages, _key);

        await AssertExtractRejectedAsync(path, "package has a symlink at '/run', where the sandbox needs a real directory to mount '/run/outpost'");
    }

    [Fact]
    public async Task ExtractAsync_MountPointIsSymlinkToDirectory_IsRejected()
    {
        var path = TarBuilder.Valid().Symlink("root/var", "app").WritePackage(_packages, _key);

        await AssertExtractRejectedAsync(path, "package has a symlink at '/var'");
    }

    [Fact]
    public async Task ExtractAsync_TargetExists_ThrowsAndLeavesItAlone()
    {
        var path = TarBuilder.Valid().WritePackage(_packages, _key);
        var target = Directory.CreateDirectory(Path.Combine(_apps, "app")).FullName;
        File.WriteAllText(Path.Combine(target, "mine"), "mine");

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []));

        Assert.Contains("already exists", e.Message);
        Assert.Equal(["mine"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_apps));
    }

    [Fact]
    public async Task ExtractAsync_TargetIsDanglingSymlink_Throws()
    {
        var path = TarBuilder.Valid().WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "app");
        File.CreateSymbolicLink(target, "/nonexistent");

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []));

        Assert.Contains("already exists", e.Message);
    }

    [Theory]
    [InlineData("var")]
    [InlineData("/")]
    [InlineData("/run/../etc")]
    [InlineData("/var/")]
    public async Task ExtractAsync_BadMountPoint_ThrowsArgumentException(string mountPoint)
    {
        var path = TarBuilder.Valid().WritePackage(_packages, _key);

        await Assert.ThrowsAsync<ArgumentException>(
            () => PackageExtractor.ExtractAsync(path, Path.Combine(_apps, "app"), new PackageLimits(), [mountPoint]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_apps));
    }

    [Fact]
    public async Task ExtractAsync_Cancelled_LeavesNothingBehind()
    {
        var path = TarBuilder.Valid().File("root/app/data", new byte[1 << 20]).WritePackage(_packages, _key);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => PackageExtractor.ExtractAsync(path, Path.Combine(_apps, "app"), new PackageLimits(), [], cancelled.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_apps));
    }

    [Fact]
    public async Task ExtractAsync_LooseModes_AreNormalised()
    {
        var path = TarBuilder.Valid()
            .Dir("root/locked", 0x16D)
            .File("root/locked/shared", "x", 0x1FF)
            .File("root/app/plain", "x", 0x1B6)
            .WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "app");

        await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []);

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(target, "root/locked")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(target, "root/locked/shared")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(target, "root/app/plain")));
    }

    [Fact]
    public async Task ExtractAsync_LongNonAsciiNames_RoundTripThroughPax()
    {
        var name = "root/app/" + string.Join('/', Enumerable.Repeat("dossier-été", 12));
        var tar = TarBuilder.Valid();
        var parts = name.Split('/');
        for (var i = 3; i < parts.Length; i++)
        {
            tar.Dir(string.Join('/', parts[..i]));
        }

        var path = tar.File(name, "deep").WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "app");

        await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []);

        Assert.Equal("deep", File.ReadAllText(Path.Combine(target, name), Encoding.UTF8));
    }

    [Fact]
    public async Task ExtractAsync_MissingParentDirectory_IsCreated()
    {
        var path = TarBuilder.Valid().WritePackage(_packages, _key);
        var target = Path.Combine(_apps, "by-app", _key.AppId, "1");

        await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []);

        Assert.True(File.Exists(Path.Combine(target, "manifest.json")));
    }

    private async Task AssertExtractRejectedAsync(string path, string expected)
    {
        var e = await Assert.ThrowsAsync<PackageException>(
            () => PackageExtractor.ExtractAsync(path, Path.Combine(_apps, "app"), new PackageLimits(), Rejection.MountPoints));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_apps));
    }
}
