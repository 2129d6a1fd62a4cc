namespace Outpost.Packaging;

/// <summary>What a verified package is: whose app, which version, and which exact bytes.</summary>
public sealed record PackageInfo
{
    /// <summary>The app id: the text form of the package's signing public key (see <see cref="Packaging.AppId"/>).</summary>
    public required string AppId { get; init; }

    /// <summary>The verified manifest.</summary>
    public required AppManifest Manifest { get; init; }

    /// <summary>SHA-256 of the whole <c>.opk</c> file, lowercase hex. Catalogs name packages by this hash.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the <c>.opk</c> file in bytes.</summary>
    public required long Size { get; init; }
}
