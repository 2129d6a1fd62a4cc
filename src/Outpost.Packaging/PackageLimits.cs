namespace Outpost.Packaging;

/// <summary>
/// Bounds applied while reading a package. Packages come from strangers, so every resource the reader spends is capped
/// and checked before it is spent (sizes are checked against the tar header before any data is decompressed).
/// </summary>
public sealed record PackageLimits
{
    /// <summary>Largest accepted <c>.opk</c> file, in bytes. Default 1 GiB.</summary>
    public long MaxPackageBytes { get; init; } = 1L << 30;

    /// <summary>Largest accepted sum of the sizes of all files in the package once unpacked. Default 4 GiB.</summary>
    public long MaxUnpackedBytes { get; init; } = 4L << 30;

    /// <summary>Most entries (files, directories, symlinks, the manifest) a package may hold. Default 100,000.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Largest accepted <c>manifest.json</c>, in bytes. Default 256 KiB.</summary>
    public int MaxManifestBytes { get; init; } = 256 * 1024;

    /// <summary>Longest accepted entry name or symlink target, in UTF-8 bytes. Default 1024.</summary>
    public int MaxPathLength { get; init; } = 1024;

    /// <summary>The limits used when none are given.</summary>
    public static PackageLimits Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPackageBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnpackedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxManifestBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPathLength);
    }
}
