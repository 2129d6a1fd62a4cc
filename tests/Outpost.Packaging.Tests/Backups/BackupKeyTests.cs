using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Outpost.Packaging.Tests.Backups;

public sealed class BackupKeyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _storage;

    public BackupKeyTests()
    {
        _storage = _dir.Sub("storage");
        File.WriteAllText(Path.Combine(_storage, "secret.txt"), "the grain's data");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ToTextThenFromText_SameKey_OpensTheBackup()
    {
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);

        using var imported = BackupKey.FromText(key.ToText());
        var manifest = await BackupReader.ReadManifestAsync(new MemoryStream(backup), imported);

        Assert.Equal(key.KeyId, imported.KeyId);
        Assert.Equal(26, key.KeyId!.Length);
        Assert.Equal("Holiday plans", manifest.Title);
        Assert.Contains($"# key id: {key.KeyId}\n", key.ToText());
    }

    [Fact]
    public async Task FromSecret_SameSecret_OpensTheBackup_AnotherSecretDoesNot()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var key = BackupKey.FromSecret(secret);
        var backup = await BackupFixture.WriteAsync(_storage, key);

        using var same = BackupKey.FromSecret(secret);
        secret[0] ^= 1;
        using var other = BackupKey.FromSecret(secret);

        Assert.Equal("Holiday plans", (await BackupReader.ReadManifestAsync(new MemoryStream(backup), same)).Title);
        Assert.Equal(key.KeyId, same.KeyId);
        await Assert.ThrowsAsync<BackupException>(() => BackupReader.ReadManifestAsync(new MemoryStream(backup), other));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromSecret_NotThirtyTwoBytes_IsRefused(int length) =>
        Assert.Throws<ArgumentException>(() => BackupKey.FromSecret(new byte[length]));

    [Fact]
    public void Generate_TwoKeys_HaveDifferentIds()
    {
        using var one = BackupKey.Generate();
        using var two = BackupKey.Generate();

        Assert.NotEqual(one.KeyId, two.KeyId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("outpost-signing-key-1 AAAA")]
    [InlineData("outpost-backup-key-1 not base64!")]
    [InlineData("outpost-backup-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("outpost-backup-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\noutpost-backup-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void FromText_Garbled_IsRefused(string text)
    {
        var error = Assert.Throws<BackupException>(() => BackupKey.FromText(text));

        Assert.StartsWith("this is not an Outpost backup key", error.Message);
    }

    [Fact]
    public void FromPassphrase_TooShort_IsRefused()
    {
        var error = Assert.Throws<BackupException>(() => BackupKey.FromPassphrase("short"));

        Assert.Equal("a backup passphrase needs at least 8 characters", error.Message);
    }

    [Fact]
    public async Task FromPassphrase_DefaultCosts_AreRecordedInTheHeaderAndRestore()
    {
        using var key = BackupKey.FromPassphrase("a passphrase with default costs");
        var backup = await BackupFixture.WriteAsync(_storage, key);

        // The same instance reads it back without deriving again (the derivation is cached per salt and costs).
        await BackupReader.RestoreAsync(new MemoryStream(backup), key, _dir["grain"], BackupLimits.Default);

        Assert.Equal(64 * 1024, BinaryPrimitives.ReadInt32BigEndian(backup.AsSpan(20)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(backup.AsSpan(24)));
        Assert.Null(key.KeyId);
        Assert.Throws<InvalidOperationException>(key.ToText);
        Assert.Equal("the grain's data", File.ReadAllText(_dir["grain/secret.txt"]));
    }

    [Fact]
    public async Task RestoreAsync_WrongPassphrase_SaysSoAndWritesNothing()
    {
        using var key = BackupFixture.Passphrase("correct horse battery");
        var backup = await BackupFixture.WriteAsync(_storage, key);

        using var wrong = BackupFixture.Passphrase("correct horse battere");
        var message = await BackupFixture.AssertRefusedAsync(backup, wrong, "wrong passphrase");

        Assert.Equal("wrong passphrase for this backup (or the backup was altered)", message);
        await Assert.ThrowsAsync<BackupException>(() => BackupReader.ReadManifestAsync(new MemoryStream(backup), wrong));
    }

    [Fact]
    public async Task RestoreAsync_OtherBackupKey_NamesBothKeys()
    {
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);

        using var other = BackupKey.Generate();
        var message = await BackupFixture.AssertRefusedAsync(backup, other, "was made with backup key");

        Assert.Equal($"this backup was made with backup key {key.KeyId}; the key given is {other.KeyId}", message);
    }

    [Fact]
    public async Task RestoreAsync_KeyForPassphraseBackup_AsksForThePassphrase()
    {
        using var passphrase = BackupFixture.Passphrase();
        var backup = await BackupFixture.WriteAsync(_storage, passphrase);

        using var key = BackupKey.Generate();
        await BackupFixture.AssertRefusedAsync(backup, key, "this backup is protected by a passphrase, not a backup key");
    }

    [Fact]
    public async Task RestoreAsync_PassphraseForKeyBackup_NamesTheKey()
    {
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);

        using var passphrase = BackupFixture.Passphrase();
        await BackupFixture.AssertRefusedAsync(backup, passphrase, $"this backup is protected by backup key {key.KeyId}, not a passphrase");
    }

    [Fact]
    public async Task RestoreAsync_SameKeyIdButForgedCheck_IsWrongKey()
    {
        // A header re-hashed after a change (as an attacker would) passes the damage check but not the key check.
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);
        backup[100] ^= 1; // inside the archive salt
        Rehash(backup);

        await BackupFixture.AssertRefusedAsync(backup, key, "this backup key does not open this backup (or the backup was altered)");
    }

    [Fact]
    public async Task RestoreAsync_NotABackup_SaysSo()
    {
        using var key = BackupKey.Generate();

        await BackupFixture.AssertRefusedAsync("PK\x03\x04 a zip file"u8.ToArray(), key, "this file is not an Outpost backup");
        await BackupFixture.AssertRefusedAsync([], key, "this file is not an Outpost backup");
    }

    [Fact]
    public async Task RestoreAsync_NewerFormatVersion_AsksForNewerOutpost()
    {
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);
        backup[14] = 2;
        Rehash(backup);

        await BackupFixture.AssertRefusedAsync(backup, key, "this backup uses format version 2; this server reads version 1. Restore it on a newer Outpost.");
    }

    [Theory]
    [InlineData(Argon2Settings.MaxMemoryKib + 1, 1)]
    [InlineData(8 * 1024, Argon2Settings.MaxPasses + 1)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public async Task RestoreAsync_ExcessiveArgon2Costs_AreRefusedBeforeDeriving(int memoryKib, int passes)
    {
        using var key = BackupFixture.Passphrase();
        var backup = await BackupFixture.WriteAsync(_storage, key);
        BinaryPrimitives.WriteInt32BigEndian(backup.AsSpan(20), memoryKib);
        BinaryPrimitives.WriteInt32BigEndian(backup.AsSpan(24), passes);
        Rehash(backup);

        await BackupFixture.AssertRefusedAsync(backup, key, "passphrase settings (Argon2id");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1023)]
    [InlineData(int.MaxValue)]
    public async Task RestoreAsync_ChunkSizeOutOfRange_IsRefused(int chunkSize)
    {
        using var key = BackupKey.Generate();
        var backup = await BackupFixture.WriteAsync(_storage, key);
        BinaryPrimitives.WriteInt32BigEndian(backup.AsSpan(16), chunkSize);
        Rehash(backup);

        await BackupFixture.AssertRefusedAsync(backup, key, $"declares chunks of {chunkSize} bytes");
    }

    /// <summary>Recomputes the header's SHA-256 (its last 32 bytes) after a deliberate change.</summary>
    private static void Rehash(byte[] backup) =>
        SHA256.HashData(backup.AsSpan(0, BackupHeader.Size - 32), backup.AsSpan(BackupHeader.Size - 32, 32));
}
