namespace Outpost.Packaging.Tests;

/// <summary>Makes backups for tests and asserts that hostile ones are refused without leaving anything behind.</summary>
internal static class BackupFixture
{
    /// <summary>Cheap Argon2id costs, so that tests deriving many keys stay fast; the format is the same.</summary>
    public static readonly Argon2Settings CheapArgon2 = new(8 * 1024, 1);

    public static BackupKey Passphrase(string passphrase = "correct horse battery") => BackupKey.FromPassphrase(passphrase, CheapArgon2);

    public static BackupManifest Manifest(string title = "Holiday plans") => new()
    {
        GrainId = "g0123456789abcdef0123456789abcdef",
        Title = title,
        AppId = "notesappid",
        AppVersion = 7,
        AppMarketingVersion = "2.1.0",
        AppTitle = "Notes",
        CreatedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
    };

    public static async Task<byte[]> WriteAsync(string storageDir, BackupKey key, BackupManifest? manifest = null)
    {
        var output = new MemoryStream();
        await BackupWriter.WriteAsync(output, manifest ?? Manifest(), storageDir, key);
        return output.ToArray();
    }

    /// <summary>Encrypts a hand-made inner tar exactly as the writer would, with the real key.</summary>
    public static byte[] Encrypt(byte[] innerTar, BackupKey key)
    {
        var output = new MemoryStream();
        var (_, headerBytes, keys) = key.NewArchive(BackupHeader.DefaultChunkSize);
        using (keys)
        {
            output.Write(headerBytes);
            var encrypted = new EncryptingStream(output, keys, BackupHeader.DefaultChunkSize);
            encrypted.Write(innerTar);
            encrypted.FinishAsync(default).GetAwaiter().GetResult();
        }

        return output.ToArray();
    }

    /// <summary>A valid inner tar start: backup.json then the storage directory.</summary>
    public static TarBuilder InnerTar(BackupManifest? manifest = null)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest ?? Manifest(), BackupJsonContext.Default.BackupManifest);
        return TarBuilder.Empty().File("backup.json", json, 0x180).Dir("storage");
    }

    /// <summary>
    /// Restores <paramref name="backup"/> into a fresh directory, expects a <see cref="BackupException"/> containing
    /// <paramref name="expected"/>, and checks that nothing at all was left in the parent directory.
    /// </summary>
    public static async Task<string> AssertRefusedAsync(byte[] backup, BackupKey key, string expected, BackupLimits? limits = null)
    {
        using var parent = new TempDirectory();
        var error = await Assert.ThrowsAsync<BackupException>(
            () => BackupReader.RestoreAsync(new MemoryStream(backup), key, parent["grain"], limits ?? BackupLimits.Default));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent.Path));
        return error.Message;
    }

    /// <summary>Every entry under <paramref name="root"/> as "path kind detail", sorted, for comparing trees.</summary>
    public static List<string> Describe(string root)
    {
        var lines = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            lines.Add(entry.LinkTarget is { } target
                ? $"{relative} -> {target}"
                : entry is DirectoryInfo
                    ? $"{relative}/ {Convert.ToString((int)entry.UnixFileMode, 8)}"
                    : $"{relative} {Convert.ToString((int)entry.UnixFileMode, 8)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(entry.FullName)))}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
