using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Apps;
using Outpost.Data.Catalogs;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;
using Outpost.Server.Apps;
using Outpost.Server.Updates;

namespace Outpost.Server.Catalogs;

/// <summary>
/// Subscriptions, installs from catalogs and the update check. A catalog is stored only once its signature (by
/// the subscribed key) and every field have been checked; a package is installed only after its size, hash, app
/// key and version all match the catalog. Anything refused changes nothing.
/// </summary>
internal sealed partial class CatalogService(
    OutpostDbContext db, CatalogDownloader downloader, AppInstaller installer, UnusedVersions unused, CatalogLimits limits,
    TimeProvider time, ILogger<CatalogService> logger)
{
    public async Task<List<CatalogSubscription>> ListAsync(CancellationToken ct) =>
        await db.CatalogSubscriptions.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);

    /// <summary>Fetches and verifies the catalog, then subscribes; nothing is saved if the catalog is refused.</summary>
    public async Task<CatalogSubscription> SubscribeAsync(string url, string keyId, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            throw new CatalogException($"'{url}' is not an http(s) URL of a catalog (e.g. https://apps.example.org/.well-known/outpost/catalog.json)");
        }

        if (!AppId.IsValid(keyId))
        {
            throw new CatalogException("the key must be the catalog key id its publisher gives out (52 characters, printed by 'outpost catalog build')");
        }

        if (await db.CatalogSubscriptions.AnyAsync(c => c.Url == uri.AbsoluteUri, ct))
        {
            throw new CatalogException($"this server already follows {uri.AbsoluteUri}");
        }

        var subscription = new CatalogSubscription { Url = uri.AbsoluteUri, KeyId = keyId, AddedAt = time.GetUtcNow() };
        await RefreshAsync(subscription, ct);
        db.CatalogSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        LogSubscribed(logger, subscription.Url, subscription.Title);
        return subscription;
    }

    /// <summary>Adds the configured default catalog once; it is fetched by the first check.</summary>
    public async Task AddDefaultAsync(string? url, string? keyId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(keyId) || !AppId.IsValid(keyId)
            || await db.CatalogSubscriptions.AnyAsync(c => c.Url == url, ct))
        {
            return;
        }

        db.CatalogSubscriptions.Add(new CatalogSubscription { Url = url, KeyId = keyId, AddedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> UnsubscribeAsync(int id, CancellationToken ct)
    {
        var subscription = await db.CatalogSubscriptions.FindAsync([id], ct);
        if (subscription is null)
        {
            return false;
        }

        db.CatalogSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The apps of every subscribed catalog, with this server's installed and pinned versions.</summary>
    public async Task<List<CatalogAppSummary>> ListAppsAsync(CancellationToken ct)
    {
        var installed = await db.Apps.AsNoTracking().ToDictionaryAsync(a => a.AppId, ct);
        var result = new List<CatalogAppSummary>();
        foreach (var (subscription, catalog) in await StoredCatalogsAsync(ct))
        {
            result.AddRange(catalog.Apps.Select(app => new CatalogAppSummary
            {
                CatalogId = subscription.Id,
                CatalogTitle = catalog.Title,
                AppId = app.Id,
                Title = app.Title,
                Description = app.Description,
                Icon = app.Icon,
                Version = app.Latest.Version,
                MarketingVersion = app.Latest.MarketingVersion,
                InstalledVersion = installed.GetValueOrDefault(app.Id)?.Version,
                PinnedVersion = installed.GetValueOrDefault(app.Id)?.PinnedVersion,
            }));
        }

        return result;
    }

    /// <summary>Downloads and installs the newest version of <paramref name="appId"/> offered by a subscribed catalog.</summary>
    public async Task<InstalledApp> InstallAsync(string appId, CancellationToken ct)
    {
        var offer = await BestOfferAsync(appId, minVersion: 0, ct)
            ?? throw new CatalogException($"no subscribed catalog offers app {appId}; run a catalog check or subscribe to its catalog first");
        return await InstallVersionAsync(offer.Subscription, offer.App, ct);
    }

    /// <summary>
    /// Installs, through the same checks as every catalog install, the newest version of <paramref name="appId"/>
    /// a subscribed catalog offers when it is <paramref name="minVersion"/> or newer (a restore needs it); returns
    /// the app and the catalog's title, or null when no catalog offers such a version.
    /// </summary>
    public async Task<(InstalledApp App, string CatalogTitle)?> TryInstallAtLeastAsync(string appId, long minVersion, CancellationToken ct)
    {
        if (await BestOfferAsync(appId, minVersion, ct) is not { } offer)
        {
            return null;
        }

        return (await InstallVersionAsync(offer.Subscription, offer.App, ct), offer.CatalogTitle);
    }

    private async Task<(CatalogSubscription Subscription, string CatalogTitle, CatalogApp App)?> BestOfferAsync(string appId, long minVersion, CancellationToken ct)
    {
        var offers = (await StoredCatalogsAsync(ct))
            .SelectMany(c => c.Catalog.Apps.Where(a => a.Id == appId && a.Latest.Version >= minVersion).Select(a => (c.Subscription, c.Catalog.Title, App: a)))
            .OrderByDescending(o => o.App.Latest.Version)
            .ToList();
        return offers.Count == 0 ? null : offers[0];
    }

    /// <summary>
    /// Refreshes every catalog and installs the newer versions they offer of installed, unpinned apps. Grains move to
    /// them on their next start. Then removes versions no grain has used for the grace period.
    /// </summary>
    public async Task<CatalogCheckReport> CheckAsync(CancellationToken ct)
    {
        var lines = new List<CatalogCheckLine>();
        foreach (var subscription in await db.CatalogSubscriptions.OrderBy(c => c.Id).ToListAsync(ct))
        {
            Catalog catalog;
            try
            {
                catalog = await RefreshAsync(subscription, ct);
                lines.Add(new() { Catalog = subscription.Url, Outcome = "refreshed", Message = $"{catalog.Title}: {catalog.Apps.Count} app(s), published {catalog.PublishedAt:u}" });
            }
            catch (CatalogException e)
            {
                subscription.LastError = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
                subscription.CheckedAt = time.GetUtcNow();
                lines.Add(new() { Catalog = subscription.Url, Outcome = "refused", Message = e.Message });
                LogRefused(logger, subscription.Url, e.Message);
                continue;
            }
            finally
            {
                await db.SaveChangesAsync(ct);
            }

            foreach (var app in catalog.Apps)
            {
                if (await UpdateAsync(subscription, app, ct) is { } line)
                {
                    lines.Add(line);
                }
            }
        }

        return new CatalogCheckReport { Lines = lines, RemovedVersions = await unused.CollectAsync(ct) };
    }

    private async Task<CatalogCheckLine?> UpdateAsync(CatalogSubscription subscription, CatalogApp offered, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == offered.Id, ct);
        if (app is null)
        {
            return null;
        }

        CatalogCheckLine Line(string outcome, string message) => new() { Catalog = subscription.Url, AppId = app.AppId, Outcome = outcome, Message = message };
        var latest = offered.Latest;
        if (latest.Version == app.Version)
        {
            return Line("current", $"{app.Title} {app.MarketingVersion} is the newest version");
        }

        if (latest.Version < app.Version)
        {
            return Line("refused", $"{app.Title}: the catalog's newest version {latest.MarketingVersion} (#{latest.Version}) is lower than the installed {app.MarketingVersion} (#{app.Version}); a downgrade is never installed");
        }

        if (app.PinnedVersion is int pinned)
        {
            return Line("pinned", $"{app.Title} is pinned to version #{pinned}; {latest.MarketingVersion} (#{latest.Version}) is available but not installed");
        }

        try
        {
            var installed = await InstallVersionAsync(subscription, offered, ct);
            return Line("updated", $"{installed.Title} updated to {installed.MarketingVersion} (#{installed.Version}); grains move to it on their next start");
        }
        catch (Exception e) when (e is CatalogException or PackageException or AppConflictException)
        {
            LogRefused(logger, subscription.Url, e.Message);
            return Line("refused", $"{app.Title} {latest.MarketingVersion} (#{latest.Version}) refused: {e.Message}");
        }
    }

    private async Task<InstalledApp> InstallVersionAsync(CatalogSubscription subscription, CatalogApp app, CancellationToken ct)
    {
        var version = app.Latest;
        var url = new Uri(new Uri(subscription.Url), version.Url);
        LogDownloading(logger, app.Title, version.MarketingVersion, url, version.Size / (1024.0 * 1024.0));
        var file = await downloader.FetchPackageAsync(url, version, ct);
        try
        {
            return await installer.InstallAsync(file, ct, (app.Id, version.Version));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<Catalog> RefreshAsync(CatalogSubscription subscription, CancellationToken ct)
    {
        var bytes = await downloader.FetchCatalogAsync(new Uri(subscription.Url), ct);
        Catalog catalog;
        try
        {
            catalog = CatalogReader.Read(bytes, subscription.KeyId, limits);
        }
        catch (PackageException e)
        {
            throw new CatalogException($"the catalog at {subscription.Url} was refused: {e.Message}", e);
        }

        if (catalog.PublishedAt < subscription.PublishedAt)
        {
            // Someone between us and the publisher could serve an old, validly signed catalog to hide updates.
            throw new CatalogException(
                $"the catalog at {subscription.Url} was published at {catalog.PublishedAt:u}, before the copy this server already has ({subscription.PublishedAt:u}); an older catalog is refused");
        }

        subscription.Content = bytes;
        subscription.Title = catalog.Title;
        subscription.PublishedAt = catalog.PublishedAt;
        subscription.CheckedAt = time.GetUtcNow();
        subscription.LastError = null;
        return catalog;
    }

    private async Task<List<(CatalogSubscription Subscription, Catalog Catalog)>> StoredCatalogsAsync(CancellationToken ct)
    {
        var result = new List<(CatalogSubscription, Catalog)>();
        foreach (var subscription in await db.CatalogSubscriptions.AsNoTracking().Where(c => c.Content != null).OrderBy(c => c.Id).ToListAsync(ct))
        {
            try
            {
                result.Add((subscription, CatalogReader.Read(subscription.Content, subscription.KeyId, limits)));
            }
            catch (PackageException e)
            {
                // Stored copies were verified when fetched; one that no longer reads (tighter limits after an
                // upgrade) is skipped until the next check replaces it, instead of breaking every page that lists apps.
                LogRefused(logger, subscription.Url, e.Message);
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to catalog {Url} ({Title})")]
    private static partial void LogSubscribed(ILogger logger, string url, string? title);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {Title} {MarketingVersion} from {Url} ({MiB:F1} MiB)")]
    private static partial void LogDownloading(ILogger logger, string title, string marketingVersion, Uri url, double miB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog {Url}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string url, string reason);
}
