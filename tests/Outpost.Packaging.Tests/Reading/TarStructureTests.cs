using System.Text;

namespace Outpost.Packaging.Tests.Reading;

/// <summary>Malformed tar structure inside a correctly signed package.</summary>
public sealed class TarStructureTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_HeaderChecksumWrong_IsRejected()
    {
        var tar = TarBuilder.Valid().Dir("root/x").PatchLastBlock(b => b[0] = (byte)'R');

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "tar header checksum mismatch");
    }

    [Fact]
    public async Task VerifyAsync_GnuMagic_IsRejected()
    {
        var tar = TarBuilder.Valid().Dir("root/x").PatchLastBlock(block =>
        {
            Encoding.ASCII.GetBytes("ustar  \0").CopyTo(block, 257);
            Reseal(block);
        });

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "GNU-format tar headers are not supported");
    }

    [Fact]
    public async Task VerifyAsync_Base256Size_IsRejected()
    {
        var tar = TarBuilder.Valid().File("root/x", "").PatchLastBlock(block =>
        {
            block[124] = 0x80;
            Reseal(block);
        });

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "size field uses base-256 encoding");
    }

    [Fact]
    public async Task VerifyAsync_DataHiddenAfterNameTerminator_IsRejected()
    {
        var tar = TarBuilder.Valid().Dir("root/x").PatchLastBlock(block =>
        {
            Encoding.ASCII.GetBytes("\0hidden").CopyTo(block, 6);
            Reseal(block);
        });

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "name field has data after its terminating NUL");
    }

    [Fact]
    public async Task VerifyAsync_TwoPaxHeadersInARow_IsRejected()
    {
        var records = Encoding.ASCII.GetBytes("20 path=root/app/aa\n");
        var tar = TarBuilder.Valid()
            .Header("PaxHeader", TarEntryHeader.ExtendedHeader, 0x1A4, records.Length).Data(records)
            .Header("PaxHeader", TarEntryHeader.ExtendedHeader, 0x1A4, records.Length).Data(records)
            .File("root/app/aa", "x");

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "two pax extended headers in a row");
    }

    [Fact]
    public async Task VerifyAsync_HugePaxHeader_IsRejectedBeforeReadingIt()
    {
        // Declares 1 GiB of pax records and holds none: a reader that allocated or read first would fail differently.
        var tar = TarBuilder.Valid().Header("PaxHeader", TarEntryHeader.ExtendedHeader, 0x1A4, 1L << 30);

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, OpkFile.Gzip(tar.BuildWithoutEnd())), "at most 65536 are allowed");
    }

    [Theory]
    [InlineData("path=root/app/x\n")]
    [InlineData("99 path=root/app/x\n")]
    [InlineData("18 pathroot/app/x\n")]
    [InlineData("18 path=root/app/x!")]
    public async Task VerifyAsync_MalformedPaxRecord_IsRejected(string record)
    {
        var records = Encoding.ASCII.GetBytes(record);
        var tar = TarBuilder.Valid().Header("PaxHeader", TarEntryHeader.ExtendedHeader, 0x1A4, records.Length).Data(records).File("root/app/x", "x");

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "malformed pax extended header record");
    }

    [Fact]
    public async Task VerifyAsync_PaxHeaderAtEnd_IsRejected()
    {
        var records = Encoding.ASCII.GetBytes("20 path=root/app/aa\n");
        var tar = TarBuilder.Valid().Header("PaxHeader", TarEntryHeader.ExtendedHeader, 0x1A4, records.Length).Data(records);

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "not followed by an entry");
    }

    [Fact]
    public async Task VerifyAsync_NoEndMarker_IsRejected()
    {
        var payload = OpkFile.Gzip(TarBuilder.Valid().BuildWithoutEnd());

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, payload), "ends without its end-of-archive marker");
    }

    [Fact]
    public async Task VerifyAsync_HalfEndMarker_IsRejected()
    {
        var payload = OpkFile.Gzip([.. TarBuilder.Valid().BuildWithoutEnd(), .. new byte[512]]);

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, payload), "end-of-archive marker (two zero blocks) is incomplete");
    }

    [Fact]
    public async Task VerifyAsync_DataAfterEndMarker_IsRejected()
    {
        var payload = OpkFile.Gzip([.. TarBuilder.Valid().Build(), .. Encoding.ASCII.GetBytes("hidden")]);

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, payload), "unexpected data after the tar end-of-archive marker");
    }

    [Fact]
    public async Task VerifyAsync_ZeroPaddingAfterEndMarker_IsAccepted()
    {
        var payload = OpkFile.Gzip([.. TarBuilder.Valid().Build(), .. new byte[9216]]);

        var info = await PackageVerifier.VerifyAsync(TarBuilder.Write(_dir.Path, _key, payload), new PackageLimits());

        Assert.Equal(_key.AppId, info.AppId);
    }

    [Fact]
    public async Task VerifyAsync_EntryDataCutShort_IsRejected()
    {
        var tar = TarBuilder.Valid().Header("root/app/big", TarEntryHeader.RegularFile, 0x1A4, 5000).Data(new byte[1024]);

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, OpkFile.Gzip(tar.BuildWithoutEnd())), "ends in the middle of an entry");
    }

    [Fact]
    public async Task VerifyAsync_PartialHeaderBlock_IsRejected()
    {
        var payload = OpkFile.Gzip([.. TarBuilder.Valid().BuildWithoutEnd(), .. new byte[100]]);

        await Rejection.AssertRejectedAsync(TarBuilder.Write(_dir.Path, _key, payload), "payload is truncated");
    }

    /// <summary>Recomputes the checksum of a patched header block.</summary>
    private static void Reseal(byte[] block)
    {
        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : block[i];
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block, 148);
    }
}
