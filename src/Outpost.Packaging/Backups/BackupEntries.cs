namespace Outpost.Packaging;

/// <summary>Names inside a backup's tar and the checks backup.json gets on both sides.</summary>
internal static class BackupEntries
{
    public const string Manifest = "backup.json";
    public const string Storage = "storage";
    public const string Archive = "backup";

    /// <summary>Tar name of a storage path ("/" is "storage", "/a/b" is "storage/a/b").</summary>
    public static string NameOf(string storagePath) => storagePath == "/" ? Storage : Storage + storagePath;

    /// <summary>Refuses a manifest missing what a restore needs.</summary>
    public static void Check(BackupManifest manifest)
    {
        if (manifest.FormatVersion is < 1 or > BackupManifest.CurrentFormatVersion)
        {
            throw new BackupException(
                $"backup.json uses layout version {manifest.FormatVersion}; this server reads version {BackupManifest.CurrentFormatVersion}. Restore it on a newer Outpost.");
        }

        foreach (var (field, value) in new[] { ("grainId", manifest.GrainId), ("title", manifest.Title), ("appId", manifest.AppId) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new BackupException($"backup.json has no '{field}'");
            }
        }

        if (manifest.AppVersion < 0)
        {
            throw new BackupException($"backup.json has a negative 'appVersion' ({manifest.AppVersion})");
        }
    }
}
