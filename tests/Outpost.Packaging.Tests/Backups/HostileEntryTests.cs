using System.Text;

namespace Outpost.Packaging.Tests.Backups;

/// <summary>
/// Backups whose inner tar was written by hand and then encrypted with the real key, as someone holding the key (or
/// a buggy server) could: every hostile entry refused by name, nothing written.
/// </summary>
public sealed class HostileEntryTests : IDisposable
{
    private const string ValidJsonStart = "{\"grainId\":\"g\",\"title\":\"t\",\"appId\":\"a\",\"appVersion\":1,\"createdAt\":\"2026-01-01T00:00:00Z\",\"formatVersion\":";

    private readonly BackupKey _key = BackupKey.Generate();

    public void Dispose() => _key.Dispose();

    [Theory]
    [InlineData("storage/../x", "backup entry 'storage/../x' escapes the grain's storage")]
    [InlineData("storage/a/../../../etc/cron.d/x", "escapes the grain's storage")]
    [InlineData("../x", "backup entry '../x' escapes the grain's storage")]
    [InlineData("/etc/passwd", "backup entry '/etc/passwd' is an absolute path: it escapes the grain's storage")]
    [InlineData("storage//x", "has an empty path segment")]
    [InlineData("storage/./x", "contains a '.' segment")]
    [InlineData("storage/a\\b", "contains a backslash")]
    [InlineData("storage/bad\u001bname", "backup entry 'storage/bad\\x1bname' name contains a control character")]
    [InlineData("root/x", "is outside storage/; a backup holds only backup.json and the storage/ tree")]
    [InlineData("storagex", "is outside storage/")]
    public async Task RestoreAsync_BadName_IsRefused(string name, string expected)
    {
        var tar = BackupFixture.InnerTar().File(name, "x").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, expected);
    }

    [Theory]
    [InlineData("../outside", "is a symlink whose target '../outside' points outside the backup")]
    [InlineData("a/../../outside", "points outside the backup")]
    [InlineData("/etc/passwd", "is a symlink whose target '/etc/passwd' is an absolute path; use a relative target")]
    [InlineData("", "is a symlink whose target '' is empty")]
    public async Task RestoreAsync_SymlinkPointingOut_IsRefused(string target, string expected)
    {
        var tar = BackupFixture.InnerTar().Symlink("storage/link", target).Build();

        var message = await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, expected);

        Assert.StartsWith("backup entry 'storage/link'", message);
    }

    [Fact]
    public async Task RestoreAsync_SymlinkChainPointingOut_IsRefusedAtTheEnd()
    {
        // Each link passes the lexical check alone; together they climb out. Found only once the whole tree is known.
        var tar = BackupFixture.InnerTar().Dir("storage/a").Dir("storage/a/b")
            .Symlink("storage/a/b/up", "..").Symlink("storage/a/escape", "b/up/../../x").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry 'storage/a/escape' is a symlink to 'b/up/../../x' that points outside the backup");
    }

    [Fact]
    public async Task RestoreAsync_EntryThroughSymlink_IsRefused()
    {
        // Writing storage/link/x would follow the link; entries must sit in real directories of the backup.
        var tar = BackupFixture.InnerTar().Dir("storage/real").Symlink("storage/link", "real").File("storage/link/x", "x").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry '/link/x' is inside '/link', which is a symlink, not a directory");
    }

    [Theory]
    [InlineData(TarEntryHeader.HardLink, "is a hard link; backups may contain only regular files, directories and symlinks")]
    [InlineData(TarEntryHeader.CharacterDevice, "is a character device; backups may contain only")]
    [InlineData(TarEntryHeader.BlockDevice, "is a block device; backups may contain only")]
    [InlineData(TarEntryHeader.Fifo, "is a fifo; backups may contain only")]
    public async Task RestoreAsync_SpecialEntryType_IsRefused(byte type, string expected)
    {
        var tar = BackupFixture.InnerTar().File("storage/target", "x").Header("storage/special", type, 0x1A4, 0, "storage/target").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry 'storage/special' " + expected);
    }

    [Theory]
    [InlineData(0x9ED, "has the setuid bit set (mode 4755); backups may not use setuid, setgid or sticky bits")]
    [InlineData(0x5ED, "has the setgid bit set")]
    [InlineData(0x3ED, "has the sticky bit set")]
    public async Task RestoreAsync_SpecialModeBits_AreRefused(int mode, string expected)
    {
        var tar = BackupFixture.InnerTar().File("storage/tool", "#!/bin/sh\n", mode).Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry 'storage/tool' " + expected);
    }

    [Theory]
    [InlineData("storage/x", "backup entry '/x' appears more than once")]
    [InlineData("backup.json", "backup entry 'backup.json' appears more than once")]
    public async Task RestoreAsync_DuplicateEntry_IsRefused(string name, string expected)
    {
        var tar = BackupFixture.InnerTar().File("storage/x", "first").File(name, "second").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, expected);
    }

    [Fact]
    public async Task RestoreAsync_DuplicateStorageDirectory_IsRefused()
    {
        var tar = BackupFixture.InnerTar().Dir("storage").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry '/' appears more than once");
    }

    [Fact]
    public async Task RestoreAsync_FileBeforeItsDirectory_IsRefused()
    {
        var tar = BackupFixture.InnerTar().File("storage/a/x", "x").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry '/a/x' comes before its directory '/a'");
    }

    [Fact]
    public async Task RestoreAsync_ManifestNotFirst_IsRefused()
    {
        var json = Encoding.UTF8.GetBytes("{}");
        var tar = TarBuilder.Empty().Dir("storage").File("backup.json", json).Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "the backup does not start with backup.json");
    }

    [Fact]
    public async Task RestoreAsync_NoStorageDirectory_IsRefused()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(BackupFixture.Manifest(), BackupJsonContext.Default.BackupManifest);
        var tar = TarBuilder.Empty().File("backup.json", json).Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "the backup has no storage/ directory");
    }

    [Fact]
    public async Task RestoreAsync_StorageIsAFile_IsRefused()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(BackupFixture.Manifest(), BackupJsonContext.Default.BackupManifest);
        var tar = TarBuilder.Empty().File("backup.json", json).File("storage", "x").Build();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "backup entry 'storage' must be a directory");
    }

    [Theory]
    [InlineData("not json", "the backup's backup.json is not valid")]
    [InlineData("null", "the backup's backup.json is empty (null)")]
    [InlineData("{\"title\":\"t\"}", "the backup's backup.json is not valid")]
    [InlineData(ValidJsonStart + "9,\"shares\":[],\"accessLog\":[]}", "backup.json uses layout version 9")]
    [InlineData(ValidJsonStart + "1}", "missing required properties including: 'shares', 'accessLog'")]
    [InlineData(ValidJsonStart + "1,\"shares\":null,\"accessLog\":[]}", "the backup's backup.json is not valid")]
    [InlineData(ValidJsonStart + "1,\"shares\":[],\"accessLog\":[],\"title\":\" \"}", "backup.json has no 'title'")]
    [InlineData("{\"grainId\":\"g\",\"title\":\"t\",\"appId\":\"a\",\"appVersion\":-1,\"createdAt\":\"2026-01-01T00:00:00Z\",\"formatVersion\":1,\"shares\":[],\"accessLog\":[]}", "negative 'appVersion'")]
    public async Task ReadManifestAsync_BadJson_IsRefused(string json, string expected)
    {
        var tar = TarBuilder.Empty().File("backup.json", json).Dir("storage").Build();
        var backup = BackupFixture.Encrypt(tar, _key);

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupReader.ReadManifestAsync(new MemoryStream(backup), _key));

        Assert.Contains(expected, error.Message);
        await BackupFixture.AssertRefusedAsync(backup, _key, expected);
    }

    [Fact]
    public async Task RestoreAsync_HugeDeclaredSize_IsRefusedBeforeReadingData()
    {
        // Declares a terabyte and carries nothing: refused from the header alone.
        var tar = BackupFixture.InnerTar().Header("storage/huge", TarEntryHeader.RegularFile, 0x1A4, 1L << 40).BuildWithoutEnd();

        await BackupFixture.AssertRefusedAsync(
            BackupFixture.Encrypt(tar, _key), _key,
            "backup entry 'storage/huge' declares 1099511627776 bytes: the backup would expand to more than 68719476736 bytes, the limit for a restore");
    }

    [Fact]
    public async Task RestoreAsync_SumOfSizesOverLimit_IsRefused()
    {
        var tar = BackupFixture.InnerTar().File("storage/a", new byte[600]).File("storage/b", new byte[600]).Build();

        await BackupFixture.AssertRefusedAsync(
            BackupFixture.Encrypt(tar, _key), _key, "backup entry 'storage/b' declares 600 bytes: the backup would expand to more than 1000 bytes",
            new BackupLimits { MaxStorageBytes = 1000 });
    }

    [Fact]
    public async Task RestoreAsync_TooManyEntries_IsRefused()
    {
        var builder = BackupFixture.InnerTar();
        for (var i = 0; i < 11; i++)
        {
            builder.File($"storage/f{i}", "");
        }

        await BackupFixture.AssertRefusedAsync(
            BackupFixture.Encrypt(builder.Build(), _key), _key, "the backup holds more than 10 entries, the limit for a restore",
            new BackupLimits { MaxEntries = 10 });
    }

    [Fact]
    public async Task RestoreAsync_ManifestOverLimit_IsRefused()
    {
        var manifest = BackupFixture.Manifest() with { Title = new string('t', 5000) };
        var tar = BackupFixture.InnerTar(manifest).Build();

        await BackupFixture.AssertRefusedAsync(
            BackupFixture.Encrypt(tar, _key), _key, "backup.json is", new BackupLimits { MaxManifestBytes = 4096 });
    }

    [Fact]
    public async Task RestoreAsync_LongNameOverLimit_IsRefused()
    {
        var tar = BackupFixture.InnerTar().Dir("storage/" + new string('d', 200)).Build();

        await BackupFixture.AssertRefusedAsync(
            BackupFixture.Encrypt(tar, _key), _key, "name is longer than 100 bytes", new BackupLimits { MaxPathLength = 100 });
    }

    [Fact]
    public async Task RestoreAsync_GarbageInsideValidEncryption_IsRefusedAsMalformed()
    {
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(garbage, _key), _key, "the backup's contents are malformed (payload: ");
    }

    [Fact]
    public async Task RestoreAsync_TarWithoutEndMarker_IsRefused()
    {
        var tar = BackupFixture.InnerTar().File("storage/x", "x").BuildWithoutEnd();

        await BackupFixture.AssertRefusedAsync(BackupFixture.Encrypt(tar, _key), _key, "end-of-archive marker");
    }

    [Fact]
    public async Task RestoreAsync_HandMadeValidTar_Restores()
    {
        // The control: the same builder without a hostile entry gives a backup that restores.
        using var parent = new TempDirectory();
        var tar = BackupFixture.InnerTar().Dir("storage/a").File("storage/a/x", "x").Symlink("storage/l", "a/x").Build();

        await BackupReader.RestoreAsync(new MemoryStream(BackupFixture.Encrypt(tar, _key)), _key, parent["grain"], BackupLimits.Default);

        Assert.Equal("x", File.ReadAllText(parent["grain/l"]));
    }
}
