using System.Text.Json;

namespace Outpost.Packaging;

/// <summary>Reads grain backups: the manifest alone (to say which app a restore needs), or a full restore.</summary>
public static class BackupReader
{
    /// <summary>
    /// Reads only backup.json: which grain, which app and version, title, shares and log. Checks the key and the
    /// chunks it reads, not the rest of the backup; <see cref="RestoreAsync"/> checks everything.
    /// </summary>
    public static async Task<BackupManifest> ReadManifestAsync(
        Stream input, BackupKey key, BackupLimits? limits = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(key);
        limits ??= BackupLimits.Default;
        limits.Validate();
        var (plaintext, keys) = await OpenAsync(input, key, ct);
        using (keys)
        {
            return await Translate(() => ReadManifestEntryAsync(new TarEntryReader(plaintext), limits, ct));
        }
    }

    /// <summary>
    /// Restores a backup's storage into <paramref name="targetDir"/>, which must not exist, and returns its manifest.
    /// Everything is written into "&lt;target&gt;.partial-&lt;random&gt;" and renamed to the target only after the
    /// last chunk has been authenticated and every entry accepted; on any failure (cancellation included) the partial
    /// directory is deleted and the target never appears. Nothing at all is written for a wrong key or a damaged header.
    /// </summary>
    public static async Task<BackupManifest> RestoreAsync(
        Stream input, BackupKey key, string targetDir, BackupLimits limits,
        IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(targetDir);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();

        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDir));
        if (StagedDirectory.Exists(target))
        {
            throw new BackupException($"'{target}' already exists; restore into a new directory");
        }

        var (plaintext, keys) = await OpenAsync(input, key, ct);
        using (keys)
        using (var staged = StagedDirectory.Create(target))
        {
            return await Translate(async () =>
            {
                var manifest = await new StorageRestorer(new TarEntryReader(plaintext), staged.Path, limits, progress)
                    .RestoreAsync(ReadManifestEntryAsync, ct);
                await staged.CommitAsync(ct);
                return manifest;
            });
        }
    }

    /// <summary>
    /// Removes what restores killed mid-way (kill -9, power loss) left next to <paramref name="targetDir"/>; the target
    /// itself is never touched. Call it before restoring again, or at start-up. Returns how many were removed.
    /// </summary>
    public static int RemoveInterruptedRestores(string targetDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetDir);
        return StagedDirectory.RemoveLeftovers(Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDir)));
    }

    private static async Task<(DecryptingStream Plaintext, ArchiveKeys Keys)> OpenAsync(Stream input, BackupKey key, CancellationToken ct)
    {
        var (header, headerBytes) = await BackupHeader.ReadAsync(input, ct);
        var keys = key.Open(header, headerBytes);
        return (new DecryptingStream(input, keys, header.ChunkSize), keys);
    }

    private static async Task<BackupManifest> ReadManifestEntryAsync(TarEntryReader tar, BackupLimits limits, CancellationToken ct)
    {
        var entry = await tar.NextAsync(ct);
        if (entry is null || entry.Name != BackupEntries.Manifest)
        {
            throw new BackupException("the backup does not start with backup.json");
        }

        if (!entry.IsRegularFile)
        {
            throw EntryRules.Error(entry, "must be a regular file", BackupEntries.Archive);
        }

        if (entry.Size > limits.MaxManifestBytes)
        {
            throw new BackupException($"the backup's backup.json is {entry.Size} bytes; the limit is {limits.MaxManifestBytes}");
        }

        var json = new byte[entry.Size];
        var filled = 0;
        while (filled < json.Length)
        {
            filled += await tar.ReadDataAsync(json.AsMemory(filled), ct);
        }

        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, BackupJsonContext.Default.BackupManifest);
        }
        catch (JsonException e)
        {
            throw new BackupException($"the backup's backup.json is not valid: {e.Message}", e);
        }

        BackupEntries.Check(manifest ?? throw new BackupException("the backup's backup.json is empty (null)"));
        return manifest;
    }

    // The tar reader and the tree share the package rules, which report PackageException; callers of this API
    // expect one exception type.
    private static async Task<T> Translate<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PackageException e)
        {
            throw new BackupException(e.Message.StartsWith("payload", StringComparison.Ordinal)
                ? $"the backup's contents are malformed ({e.Message})"
                : e.Message, e);
        }
    }
}
