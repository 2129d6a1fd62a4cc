namespace Outpost.Server.Catalogs;

/// <summary>Catalogs and automatic updates, bound from <c>Outpost:Catalogs</c> (env <c>OUTPOST__CATALOGS__…</c>).</summary>
public sealed class CatalogOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Outpost:Catalogs";

    /// <summary>
    /// A folder made with <c>outpost catalog build</c> to publish at <c>/.well-known/outpost/catalog.json</c> (with its
    /// packages beside it). Empty (default): this server publishes no catalog.
    /// </summary>
    public string? PublishDir { get; set; }

    /// <summary>URL of a catalog every new server follows, e.g. <c>https://apps.example.org/.well-known/outpost/catalog.json</c>. Default: none.</summary>
    public string? DefaultUrl { get; set; }

    /// <summary>The catalog key id <see cref="DefaultUrl"/> must be signed with; required with it.</summary>
    public string? DefaultKey { get; set; }

    /// <summary>How often subscribed catalogs are checked for updates. Default 6 hours; zero turns the schedule off.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Longest time for fetching one catalog file. Default 30 seconds.</summary>
    public TimeSpan CatalogTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time for downloading one package. Default 10 minutes.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an app version no grain uses is kept before its files are removed. Default 7 days.</summary>
    public TimeSpan UnusedVersionGrace { get; set; } = TimeSpan.FromDays(7);
}
