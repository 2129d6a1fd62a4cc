namespace Outpost.Packaging.Tests.Reading;

/// <summary>Symlinks may point anywhere inside the package and nowhere else.</summary>
public sealed class SymlinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("/", "is an absolute path")]
    [InlineData("../../etc/passwd", "points outside the package")]
    [InlineData("../..", "points outside the package")]
    [InlineData("a/../../../x", "points outside the package")]
    [InlineData("", "is empty")]
    [InlineData("a//b", "has an empty path segment")]
    [InlineData("a\\..\\..", "contains a backslash")]
    public async Task VerifyAsync_BadSymlinkTarget_IsRejected(string target, string expected)
    {
        var path = TarBuilder.Valid().Symlink("root/app/link", target).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, expected);
    }

    [Fact]
    public async Task VerifyAsync_SymlinkTargetOverPathLimit_IsRejected()
    {
        var target = string.Join('/', Enumerable.Repeat("x", 600));

        var path = TarBuilder.Valid().Symlink("root/app/link", target).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "whose target is longer than 1024 bytes");
    }

    [Fact]
    public async Task VerifyAsync_SymlinkEscapingThroughAnotherSymlink_IsRejected()
    {
        // Lexically both links stay inside, but /d1/d2/up resolves to "/", so /escape -> d1/d2/up/.. climbs above it.
        var path = TarBuilder.Valid()
            .Dir("root/d1").Dir("root/d1/d2")
            .Symlink("root/d1/d2/up", "../..")
            .Symlink("root/escape", "d1/d2/up/..")
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "symlink '/escape' -> 'd1/d2/up/..' points outside the package");
    }

    [Fact]
    public async Task VerifyAsync_SymlinkLoop_IsRejected()
    {
        var path = TarBuilder.Valid().Symlink("root/app/a", "b").Symlink("root/app/b", "a").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "is part of a symlink loop");
    }

    [Fact]
    public async Task VerifyAsync_RelativeSymlinksInside_AreAccepted()
    {
        var path = TarBuilder.Valid()
            .Dir("root/usr").Dir("root/usr/bin")
            .Symlink("root/usr/bin/app", "../../app/run")
            .Symlink("root/app/self", ".")
            .Symlink("root/app/dangling", "missing/file")
            .WritePackage(_dir.Path, _key);

        var info = await PackageVerifier.VerifyAsync(path, new PackageLimits());

        Assert.Equal(_key.AppId, info.AppId);
    }

    [Fact]
    public async Task VerifyAsync_CommandReachedThroughSymlink_IsAccepted()
    {
        var manifest = TestManifests.Minimal.Replace("/app/run", "/usr/bin/app", StringComparison.Ordinal);
        var path = TarBuilder.Valid(manifest)
            .Dir("root/usr").Dir("root/usr/bin")
            .Symlink("root/usr/bin/app", "../../app/run")
            .WritePackage(_dir.Path, _key);

        var info = await PackageVerifier.VerifyAsync(path, new PackageLimits());

        Assert.Equal("/usr/bin/app", info.Manifest.Command.Path);
    }
}
