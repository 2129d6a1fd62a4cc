namespace Outpost.Packaging.Tests.Signing;

public sealed class SigningKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveThenLoad_SameKey_SignsForSameApp()
    {
        using var key = SigningKey.Generate();
        var path = _dir["app.key"];

        key.Save(path);
        using var loaded = SigningKey.Load(path);

        Assert.Equal(key.AppId, loaded.AppId);
        var message = "hello"u8.ToArray();
        Assert.True(SigningKey.Verify(key.PublicKey, message, loaded.Sign(message)));
    }

    [Fact]
    public void Save_NewFile_IsReadableByOwnerOnly()
    {
        using var key = SigningKey.Generate();
        var path = _dir["app.key"];

        key.Save(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Save_ExistingFile_ThrowsAndLeavesFileUnchanged()
    {
        using var key = SigningKey.Generate();
        var path = _dir["app.key"];
        File.WriteAllText(path, "precious");

        var e = Assert.Throws<PackageException>(() => key.Save(path));

        Assert.Contains("already exists", e.Message);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void Save_File_NamesAppIdInComment()
    {
        using var key = SigningKey.Generate();
        var path = _dir["app.key"];

        key.Save(path);

        Assert.Contains($"# app id: {key.AppId}", File.ReadAllText(path));
    }

    [Fact]
    public void Load_MissingFile_ThrowsWithKeygenHint()
    {
        var e = Assert.Throws<PackageException>(() => SigningKey.Load(_dir["missing.key"]));

        Assert.Contains("does not exist", e.Message);
        Assert.Contains("outpost keygen", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world\n")]
    [InlineData("outpost-signing-key-1 not-base64!\n")]
    [InlineData("outpost-signing-key-1 AAAA\n")]
    [InlineData("outpost-signing-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n")]
    [InlineData("outpost-signing-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\noutpost-signing-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    public void Load_GarbledFile_ThrowsPackageException(string content)
    {
        var path = _dir["bad.key"];
        File.WriteAllText(path, content);

        var e = Assert.Throws<PackageException>(() => SigningKey.Load(path));

        Assert.Contains("is not an Outpost signing key", e.Message);
    }

    [Fact]
    public void Load_BinaryFile_ThrowsPackageException()
    {
        var path = _dir["bad.key"];
        File.WriteAllBytes(path, [0xFF, 0xFE, 0x00, 0xC3]);

        Assert.Throws<PackageException>(() => SigningKey.Load(path));
    }

    [Fact]
    public void Generate_TwoKeys_HaveDifferentAppIds()
    {
        using var a = SigningKey.Generate();
        using var b = SigningKey.Generate();

        Assert.NotEqual(a.AppId, b.AppId);
    }
}
