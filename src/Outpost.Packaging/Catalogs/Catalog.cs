namespace Outpost.Packaging.Catalogs;

/// <summary>A verified catalog: the apps a publisher offers, each with the packages of its versions.</summary>
public sealed record Catalog
{
    /// <summary>The catalog key id (same text form as an app id) that signed this catalog.</summary>
    public required string KeyId { get; init; }

    /// <summary>The publisher's name for the catalog, shown to admins.</summary>
    public required string Title { get; init; }

    /// <summary>When the publisher built it; a subscriber refuses a catalog older than one it already has.</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>The apps, in the publisher's order.</summary>
    public required IReadOnlyList<CatalogApp> Apps { get; init; }
}

/// <summary>One app of a catalog.</summary>
public sealed record CatalogApp
{
    /// <summary>The app id: its signing key. A package listed here is accepted only if signed by this key.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>A small <c>data:image/svg+xml;base64,…</c> or <c>data:image/png;base64,…</c> URL, or null.</summary>
    public string? Icon { get; init; }

    /// <summary>The versions offered, highest first.</summary>
    public required IReadOnlyList<CatalogVersion> Versions { get; init; }

    /// <summary>The highest version offered.</summary>
    public CatalogVersion Latest => Versions[0];
}

/// <summary>One package of a catalog app.</summary>
public sealed record CatalogVersion
{
    /// <summary>The manifest's integer version.</summary>
    public required int Version { get; init; }

    public required string MarketingVersion { get; init; }

    /// <summary>Where the .opk is: relative to the catalog's own URL, or an absolute http(s) URL.</summary>
    public required string Url { get; init; }

    /// <summary>Exact size of the .opk in bytes; a download that goes past it is stopped.</summary>
    public required long Size { get; init; }

    /// <summary>SHA-256 of the whole .opk, lowercase hex.</summary>
    public required string Sha256 { get; init; }
}
