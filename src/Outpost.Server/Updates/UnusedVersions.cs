using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Data;
using Outpost.Server.Catalogs;
using Outpost.Server.Hosting;

namespace Outpost.Server.Updates;

/// <summary>
/// Removes app versions that no grain runs (not even a trashed grain, nor one mid-update) and that are neither the
/// newest nor pinned, once they have been unused for <see cref="CatalogOptions.UnusedVersionGrace"/>.
/// </summary>
internal sealed partial class UnusedVersions(OutpostDbContext db, DataPaths paths, IOptions<CatalogOptions> options, TimeProvider time, ILogger<UnusedVersions> logger)
{
    /// <summary>Marks newly unused versions, removes those past the grace period; returns how many were removed.</summary>
    public async Task<int> CollectAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var apps = await db.Apps.AsNoTracking().ToDictionaryAsync(a => a.AppId, ct);
        var running = await db.Grains.AsNoTracking().Select(g => new { g.AppId, g.AppVersion, g.UpdatingFromVersion }).ToListAsync(ct);
        var used = running.Select(g => (g.AppId, g.AppVersion))
            .Concat(running.Where(g => g.UpdatingFromVersion != null).Select(g => (g.AppId, g.UpdatingFromVersion!.Value)))
            .ToHashSet();
        var removed = new List<string>();
        foreach (var version in await db.AppVersions.ToListAsync(ct))
        {
            var app = apps.GetValueOrDefault(version.AppId);
            var keep = app is null || version.Version == app.Version || version.Version == app.PinnedVersion || used.Contains((version.AppId, version.Version));
            if (keep)
            {
                version.UnusedSince = null;
            }
            else if (version.UnusedSince is null)
            {
                version.UnusedSince = now;
            }
            else if (now - version.UnusedSince >= options.Value.UnusedVersionGrace)
            {
                db.AppVersions.Remove(version);
                removed.Add(paths.AppVersionDir(version.AppId, version.Version));
                LogRemoved(logger, version.AppId, version.Version);
            }
        }

        // Files go only once the database no longer lists the versions, so a failed save never leaves a row without files.
        await db.SaveChangesAsync(ct);
        foreach (var dir in removed.Where(Directory.Exists))
        {
            Directory.Delete(dir, recursive: true);
        }

        return removed.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed version {Version} of app {AppId}: no grain used it for the grace period")]
    private static partial void LogRemoved(ILogger logger, string appId, int version);
}
