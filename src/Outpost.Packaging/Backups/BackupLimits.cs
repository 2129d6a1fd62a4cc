namespace Outpost.Packaging;

/// <summary>
/// Bounds applied while restoring a backup. A backup may come from another server or from someone who edited it, so
/// every resource a restore spends is capped and checked against the tar header before any data is written.
/// </summary>
public sealed record BackupLimits
{
    /// <summary>Largest accepted sum of the sizes of all restored files. Default 64 GiB.</summary>
    public long MaxStorageBytes { get; init; } = 64L << 30;

    /// <summary>Most entries (files, directories, symlinks) the grain's storage may hold. Default 1,000,000.</summary>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>Largest accepted <c>backup.json</c> (title, shares and access log), in bytes. Default 128 MiB.</summary>
    public int MaxManifestBytes { get; init; } = 128 << 20;

    /// <summary>Longest accepted entry name or symlink target, in UTF-8 bytes. Default 4096 (Linux PATH_MAX).</summary>
    public int MaxPathLength { get; init; } = 4096;

    /// <summary>The limits used when none are given.</summary>
    public static BackupLimits Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxStorageBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxManifestBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPathLength);
    }
}
