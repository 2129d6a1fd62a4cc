using System.IO.Compression;

namespace Outpost.Packaging.Tests.Reading;

/// <summary>Resource limits, including packages built to exhaust them.</summary>
public sealed class LimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_MoreEntriesThanLimit_IsRejected()
    {
        var tar = TarBuilder.Valid();
        for (var i = 0; i < 10; i++)
        {
            tar.File($"root/app/f{i}", "x");
        }

        await Rejection.AssertRejectedAsync(tar.WritePackage(_dir.Path, _key), "more than 8 entries", new PackageLimits { MaxEntries = 8 });
    }

    [Fact]
    public async Task VerifyAsync_UnpackedSizeOverLimit_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/big", new byte[5000]).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "past the limit of 4096 bytes", new PackageLimits { MaxUnpackedBytes = 4096 });
    }

    [Fact]
    public async Task VerifyAsync_DeclaredTerabyteFile_IsRejectedFromItsHeader()
    {
        // A tiny package claiming a 1 TiB file but holding 1 MiB: refusing it with the limit message, not with
        // "truncated", shows the header was judged before any of the data was decompressed.
        var tar = TarBuilder.Valid().Header("root/app/bomb", TarEntryHeader.RegularFile, 0x1A4, 1L << 40).Data(new byte[1 << 20]);
        var path = TarBuilder.Write(_dir.Path, _key, OpkFile.Gzip(tar.BuildWithoutEnd()));

        await Rejection.AssertRejectedAsync(path, "package entry 'root/app/bomb' takes the unpacked size past the limit of 4294967296 bytes");
    }

    [Fact]
    public async Task ExtractAsync_GzipBomb_IsStoppedBeforeWritingIt()
    {
        // 256 MiB of zeros compress to a few hundred KiB; with a 1 MiB limit nothing of it may reach the disk.
        var tar = TarBuilder.Valid().File("root/app/bomb", new byte[256 << 20]).Build();
        var path = TarBuilder.Write(_dir.Path, _key, OpkFile.Gzip(tar, CompressionLevel.SmallestSize));
        Assert.True(new FileInfo(path).Length < 1 << 20, "the bomb should be smaller than the limit it breaks");

        await Rejection.AssertRejectedAsync(path, "past the limit of 1048576 bytes", new PackageLimits { MaxUnpackedBytes = 1 << 20 });
    }

    [Fact]
    public async Task VerifyAsync_ManifestOverLimit_IsRejected()
    {
        var path = TarBuilder.Valid().WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "manifest.json is", new PackageLimits { MaxManifestBytes = 64 });
    }

    [Fact]
    public async Task VerifyAsync_PathOverCustomLimit_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/a-rather-long-name", "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "name is longer than 20 bytes", new PackageLimits { MaxPathLength = 20 });
    }
}
