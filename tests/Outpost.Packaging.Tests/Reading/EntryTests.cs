using System.Text;

namespace Outpost.Packaging.Tests.Reading;

/// <summary>Hostile entries: names, types, modes and placement.</summary>
public sealed class EntryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("root/app/../../etc/passwd", "contains a '..' segment")]
    [InlineData("root/../outside", "contains a '..' segment")]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("/root/app/x", "is an absolute path")]
    [InlineData("root/app\\evil", "contains a backslash")]
    [InlineData("root/app/a\0b", "contains a NUL character")]
    [InlineData("root/app/line\nbreak", "contains a control character")]
    [InlineData("root//app/x", "has an empty path segment")]
    [InlineData("./root/app/x", "contains a '.' segment")]
    [InlineData("etc/passwd", "is outside root/")]
    [InlineData("rootkit", "is outside root/")]
    public async Task VerifyAsync_BadEntryName_IsRejected(string name, string expected)
    {
        var path = TarBuilder.Valid().File(name, "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, expected);
    }

    [Fact]
    public async Task VerifyAsync_NameOverPathLimit_IsRejected()
    {
        var name = "root/app/" + string.Join('/', Enumerable.Repeat(new string('d', 200), 6));

        var path = TarBuilder.Valid().File(name, "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "name is longer than 1024 bytes");
    }

    [Fact]
    public async Task VerifyAsync_SegmentOver255Bytes_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/" + new string('n', 256), "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "has a segment longer than 255 bytes");
    }

    [Fact]
    public async Task VerifyAsync_ControlCharacterInName_IsEscapedInMessage()
    {
        var path = TarBuilder.Valid().File("root/app/\u001b[31mred", "x").WritePackage(_dir.Path, _key);

        var message = await Rejection.AssertRejectedAsync(path, "contains a control character");

        Assert.DoesNotContain('\u001b', message);
        Assert.Contains("\\x1b", message);
    }

    [Fact]
    public async Task VerifyAsync_DuplicateFile_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/run", "again", 0x1ED).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "package entry '/app/run' appears more than once");
    }

    [Fact]
    public async Task VerifyAsync_DirectoryAlsoAsFile_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app", "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "appears more than once");
    }

    [Fact]
    public async Task VerifyAsync_SecondManifest_IsRejected()
    {
        var path = TarBuilder.Valid().File("manifest.json", TestManifests.Minimal).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "package entry 'manifest.json' appears more than once");
    }

    [Fact]
    public async Task VerifyAsync_ManifestNotFirst_IsRejected()
    {
        var path = TarBuilder.Empty().Dir("root").File("manifest.json", TestManifests.Minimal).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "does not start with manifest.json");
    }

    [Fact]
    public async Task VerifyAsync_NoEntries_IsRejected()
    {
        var path = TarBuilder.Empty().WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "package has no manifest.json");
    }

    [Fact]
    public async Task VerifyAsync_NoRootTree_IsRejected()
    {
        var path = TarBuilder.Empty().File("manifest.json", TestManifests.Minimal).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "package has no root/ directory");
    }

    [Fact]
    public async Task VerifyAsync_EntryBeforeItsDirectory_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/lib/x", "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "comes before its directory '/lib'");
    }

    [Fact]
    public async Task VerifyAsync_EntryInsideSymlinkedDirectory_IsRejected()
    {
        var path = TarBuilder.Valid()
            .Dir("root/app/real")
            .Symlink("root/app/link", "real")
            .File("root/app/link/evil", "x")
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "is inside '/app/link', which is a symlink");
    }

    [Fact]
    public async Task VerifyAsync_EntryInsideFile_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/run/x", "x").WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "which is a file, not a directory");
    }

    [Theory]
    [InlineData(TarEntryHeader.HardLink, "is a hard link")]
    [InlineData(TarEntryHeader.CharacterDevice, "is a character device")]
    [InlineData(TarEntryHeader.BlockDevice, "is a block device")]
    [InlineData(TarEntryHeader.Fifo, "is a fifo")]
    [InlineData((byte)'7', "is a contiguous file")]
    [InlineData((byte)'L', "is a GNU long name")]
    [InlineData((byte)'S', "is a GNU sparse file")]
    [InlineData((byte)'Z', "is a type 'Z'")]
    public async Task VerifyAsync_ForbiddenEntryType_IsRejected(byte type, string expected)
    {
        var path = TarBuilder.Valid().Header("root/app/special", type, 0x1A4, 0, type == TarEntryHeader.HardLink ? "root/app/run" : "")
            .WritePackage(_dir.Path, _key);

        var message = await Rejection.AssertRejectedAsync(path, expected);

        Assert.Contains("packages may contain only regular files, directories and symlinks", message);
    }

    [Fact]
    public async Task VerifyAsync_PaxGlobalHeader_IsRejected()
    {
        var records = Encoding.ASCII.GetBytes("16 comment=hey!\n");
        var path = TarBuilder.Valid().Header("pax_global", TarEntryHeader.GlobalExtendedHeader, 0x1A4, records.Length).Data(records)
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "is a pax global header");
    }

    [Theory]
    [InlineData(0x9ED, "has the setuid bit set")]
    [InlineData(0x5ED, "has the setgid bit set")]
    [InlineData(0x3FF, "has the sticky bit set")]
    public async Task VerifyAsync_SpecialModeBitOnFile_IsRejected(int mode, string expected)
    {
        var path = TarBuilder.Valid().File("root/app/tool", "x", mode).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, expected);
    }

    [Fact]
    public async Task VerifyAsync_StickyDirectory_IsRejected()
    {
        var path = TarBuilder.Valid().Dir("root/tmp", 0x3FF).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "has the sticky bit set");
    }

    [Fact]
    public async Task VerifyAsync_FileTypeBitsInMode_IsRejected()
    {
        var path = TarBuilder.Valid().File("root/app/x", "x", 0x81A4).WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "has an invalid mode 100644");
    }

    [Fact]
    public async Task VerifyAsync_DirectoryWithData_IsRejected()
    {
        var path = TarBuilder.Valid().Header("root/data", TarEntryHeader.Directory, 0x1ED, 10).Data(new byte[10])
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "is a directory but carries 10 bytes of data");
    }

    private static KeyValuePair<string, string> Pax(string key, string value) => new(key, value);

    [Fact]
    public async Task VerifyAsync_GnuSparsePaxRecords_IsRejected()
    {
        var path = TarBuilder.Valid()
            .Header("root/app/sparse", TarEntryHeader.RegularFile, 0x1A4, 0, "", Pax("GNU.sparse.major", "1"), Pax("GNU.sparse.minor", "0"))
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "pax record 'GNU.sparse.major' is not supported");
    }

    [Fact]
    public async Task VerifyAsync_PaxRecordRepeated_IsRejected()
    {
        var path = TarBuilder.Valid()
            .Header("root/app/x", TarEntryHeader.RegularFile, 0x1A4, 0, "", Pax("path", "root/app/a"), Pax("path", "root/app/b"))
            .WritePackage(_dir.Path, _key);

        await Rejection.AssertRejectedAsync(path, "pax extended header repeats 'path'");
    }
}
