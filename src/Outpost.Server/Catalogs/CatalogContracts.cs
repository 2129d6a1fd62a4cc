namespace Outpost.Server.Catalogs;

/// <summary>A subscribed catalog as the API lists it.</summary>
public sealed record CatalogSummary
{
    public required int Id { get; init; }

    public required string Url { get; init; }

    public required string KeyId { get; init; }

    public string? Title { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>Why the last check failed; null when it succeeded.</summary>
    public string? LastError { get; init; }

    public int AppCount { get; init; }
}

/// <summary>Body of <c>POST /api/catalogs</c>.</summary>
public sealed record SubscribeRequest
{
    /// <summary>The catalog file's URL, e.g. <c>https://apps.example.org/.well-known/outpost/catalog.json</c>.</summary>
    public required string Url { get; init; }

    /// <summary>The catalog key id the publisher gave out (printed by <c>outpost catalog build</c>).</summary>
    public required string Key { get; init; }
}

/// <summary>An app offered by a subscribed catalog, with what this server has of it.</summary>
public sealed record CatalogAppSummary
{
    public required int CatalogId { get; init; }

    public required string CatalogTitle { get; init; }

    public required string AppId { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>A data: URL of the app's icon, or null.</summary>
    public string? Icon { get; init; }

    public required int Version { get; init; }

    public required string MarketingVersion { get; init; }

    /// <summary>The newest installed version, or null when the app is not installed.</summary>
    public int? InstalledVersion { get; init; }

    public int? PinnedVersion { get; init; }

    /// <summary>The catalog offers a higher version than the newest installed one.</summary>
    public bool UpdateAvailable => InstalledVersion is int installed && Version > installed;
}

/// <summary>Body of <c>POST /api/catalogs/install</c>.</summary>
public sealed record CatalogInstallRequest
{
    public required string AppId { get; init; }
}

/// <summary>What one catalog check did.</summary>
public sealed record CatalogCheckReport
{
    public required IReadOnlyList<CatalogCheckLine> Lines { get; init; }

    /// <summary>App versions removed because no grain used them for the grace period.</summary>
    public int RemovedVersions { get; init; }
}

/// <summary>One outcome of a check: a catalog refreshed or refused, an app updated, pinned or refused.</summary>
public sealed record CatalogCheckLine
{
    /// <summary>The catalog's URL.</summary>
    public required string Catalog { get; init; }

    public string? AppId { get; init; }

    /// <summary>"refreshed", "updated", "pinned", "current" or "refused".</summary>
    public required string Outcome { get; init; }

    public required string Message { get; init; }
}

/// <summary>Body of <c>PUT /api/apps/{appId}/pin</c>.</summary>
public sealed record PinRequest
{
    public required int Version { get; init; }
}
