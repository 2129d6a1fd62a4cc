using Microsoft.EntityFrameworkCore;
using Outpost.Data;

namespace Outpost.Server.Updates;

/// <summary>Pinning an app to one of its installed versions, from the API and the admin page alike.</summary>
internal static class AppPins
{
    /// <summary>The outcome of a pin change: done, no such app, or a version that is not installed.</summary>
    public enum Result
    {
        Done,
        NoSuchApp,
        NotInstalled,
    }

    /// <summary>Pins <paramref name="appId"/> to <paramref name="version"/>, or unpins it when that is null.</summary>
    public static async Task<(Result Result, string Message)> SetAsync(OutpostDbContext db, string appId, int? version, CancellationToken ct)
    {
        var app = await db.Apps.FindAsync([appId], ct);
        if (app is null)
        {
            return (Result.NoSuchApp, "That app is not installed.");
        }

        if (version is int wanted && !await db.AppVersions.AnyAsync(v => v.AppId == appId && v.Version == wanted, ct))
        {
            var installed = await db.AppVersions.Where(v => v.AppId == appId).Select(v => v.Version).OrderBy(v => v).ToListAsync(ct);
            return (Result.NotInstalled, $"{app.Title} version #{wanted} is not installed; installed versions: {string.Join(", ", installed.Select(v => "#" + v))}");
        }

        app.PinnedVersion = version;
        await db.SaveChangesAsync(ct);
        return (Result.Done, version is int p ? $"{app.Title} pinned to version #{p}." : $"{app.Title} unpinned: it updates automatically again.");
    }
}
