using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Outpost.Packaging.Tests.Reading;

/// <summary>The .opk container: magic, version, lengths and the signature.</summary>
public sealed class ContainerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_ValidPackage_ReturnsKeyVersionAndFileHash()
    {
        var path = TarBuilder.Valid().WritePackage(_dir.Path, _key);

        var info = await PackageVerifier.VerifyAsync(path, new PackageLimits());

        Assert.Equal(_key.AppId, info.AppId);
        Assert.Equal(1, info.Manifest.Version);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), info.Sha256);
        Assert.Equal(new FileInfo(path).Length, info.Size);
    }

    [Fact]
    public async Task VerifyAsync_EmptyFile_IsRejected()
    {
        await Rejection.AssertRejectedAsync(Write([]), "does not start with the package magic bytes");
    }

    [Fact]
    public async Task VerifyAsync_Garbage_IsRejected()
    {
        await Rejection.AssertRejectedAsync(Write(RandomNumberGenerator.GetBytes(4096)), "not an Outpost package");
    }

    [Fact]
    public async Task VerifyAsync_BadMagic_IsRejected()
    {
        var opk = Valid();
        opk[1] = (byte)'Z';

        await Rejection.AssertRejectedAsync(Write(opk), "not an Outpost package");
    }

    [Fact]
    public async Task VerifyAsync_TruncatedHeader_IsRejected()
    {
        await Rejection.AssertRejectedAsync(Write(Valid()[..60]), "shorter than the 116-byte header");
    }

    [Fact]
    public async Task VerifyAsync_TruncatedPayload_IsRejected()
    {
        var opk = Valid();

        await Rejection.AssertRejectedAsync(Write(opk[..^10]), "package is truncated");
    }

    [Fact]
    public async Task VerifyAsync_BytesAppended_IsRejected()
    {
        await Rejection.AssertRejectedAsync(Write([.. Valid(), 1, 2, 3]), "3 unexpected bytes after the payload");
    }

    [Fact]
    public async Task VerifyAsync_UnknownFormatVersion_IsRejected()
    {
        var opk = OpkFile.Assemble(OpkFile.Gzip(TarBuilder.Valid().Build()), _key, formatVersion: 2);

        await Rejection.AssertRejectedAsync(Write(opk), "format version 2 is not supported");
    }

    [Fact]
    public async Task VerifyAsync_SignatureBitFlipped_IsRejected()
    {
        var opk = Valid();
        opk[OpkFile.SignatureOffset + 10] ^= 0x01;

        await Rejection.AssertRejectedAsync(Write(opk), "signature is not valid");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-1)]
    public async Task VerifyAsync_PayloadByteTampered_IsRejected(int payloadOffset)
    {
        var opk = Valid();
        var index = payloadOffset >= 0 ? OpkFile.HeaderSize + payloadOffset : opk.Length - 1;
        opk[index] ^= 0x40;

        await Rejection.AssertRejectedAsync(Write(opk), "signature is not valid");
    }

    [Fact]
    public async Task VerifyAsync_PublicKeySwappedForAnother_IsRejected()
    {
        using var other = SigningKey.Generate();
        var opk = Valid();
        other.PublicKey.CopyTo(opk, OpkFile.PublicKeyOffset);

        await Rejection.AssertRejectedAsync(Write(opk), "signature is not valid");
    }

    [Fact]
    public async Task VerifyAsync_PayloadLengthChanged_IsRejected()
    {
        var opk = Valid();
        var length = BinaryPrimitives.ReadUInt64BigEndian(opk.AsSpan(OpkFile.LengthOffset));
        BinaryPrimitives.WriteUInt64BigEndian(opk.AsSpan(OpkFile.LengthOffset), length - 1);

        await Rejection.AssertRejectedAsync(Write(opk), "unexpected bytes after the payload");
    }

    [Fact]
    public async Task VerifyAsync_SamePayloadResignedByAnotherKey_BelongsToTheOtherApp()
    {
        using var other = SigningKey.Generate();
        var payload = OpkFile.Payload(Valid());

        var info = await PackageVerifier.VerifyAsync(Write(OpkFile.Assemble(payload, other)), new PackageLimits());

        Assert.Equal(other.AppId, info.AppId);
        Assert.NotEqual(_key.AppId, info.AppId);
    }

    [Fact]
    public async Task VerifyAsync_PackageOverSizeLimit_IsRejected()
    {
        var path = Write(Valid());
        var limits = new PackageLimits { MaxPackageBytes = new FileInfo(path).Length - 1 };

        await Rejection.AssertRejectedAsync(path, "the limit is", limits);
    }

    [Fact]
    public async Task VerifyAsync_MissingFile_IsRejected()
    {
        var e = await Assert.ThrowsAsync<PackageException>(() => PackageVerifier.VerifyAsync(_dir["nope.opk"], new PackageLimits()));

        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task VerifyAsync_SignedPayloadNotGzip_IsRejected()
    {
        var path = TarBuilder.Write(_dir.Path, _key, TarBuilder.Valid().Build());

        await Rejection.AssertRejectedAsync(path, "payload is not valid gzip data");
    }

    [Fact]
    public async Task VerifyAsync_ZeroLimit_ThrowsArgumentException()
    {
        var path = Write(Valid());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PackageVerifier.VerifyAsync(path, new PackageLimits { MaxEntries = 0 }));
    }

    private byte[] Valid() => OpkFile.Assemble(OpkFile.Gzip(TarBuilder.Valid().Build()), _key);

    private string Write(byte[] bytes)
    {
        var path = _dir[$"{Guid.NewGuid():n}.opk"];
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
