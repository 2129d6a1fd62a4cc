namespace Outpost.Packaging.Catalogs;

/// <summary>Bounds applied while reading a catalog, which comes from a server the subscriber does not control.</summary>
public sealed record CatalogLimits
{
    /// <summary>Largest accepted catalog file, in bytes. Default 8 MiB.</summary>
    public int MaxCatalogBytes { get; init; } = 8 << 20;

    /// <summary>Most apps in one catalog. Default 5,000.</summary>
    public int MaxApps { get; init; } = 5_000;

    /// <summary>Most versions listed per app. Default 50.</summary>
    public int MaxVersionsPerApp { get; init; } = 50;

    /// <summary>Largest icon data URL, in characters. Default 96 KiB (about 64 KiB of image).</summary>
    public int MaxIconChars { get; init; } = 96 * 1024;

    /// <summary>Largest package a catalog may list. Default 1 GiB, the package reader's default.</summary>
    public long MaxPackageBytes { get; init; } = PackageLimits.Default.MaxPackageBytes;

    /// <summary>The limits used when none are given.</summary>
    public static CatalogLimits Default { get; } = new();
}
