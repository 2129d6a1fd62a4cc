using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Apps;
using Outpost.Packaging;

namespace Outpost.Server.Apps;

/// <summary>An installed app as the shell's pages show it: listing fields from its manifest plus its grain count.</summary>
public sealed record AppView
{
    public required string AppId { get; init; }

    public required string Title { get; init; }

    public required int Version { get; init; }

    public required string MarketingVersion { get; init; }

    public string? Description { get; init; }

    public string? Author { get; init; }

    public string? License { get; init; }

    public string? SourceUrl { get; init; }

    /// <summary>True when the manifest names an icon (served by <c>/apps/{id}/icon</c>).</summary>
    public bool HasIcon { get; init; }

    public required IReadOnlyList<AppAction> Actions { get; init; }

    public int GrainCount { get; init; }

    public long PackageSize { get; init; }

    public DateTimeOffset InstalledAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The URL of the icon, versioned so a new package version shows its new icon.</summary>
    public string IconUrl => $"/apps/{Uri.EscapeDataString(AppId)}/icon?v={Version}";

    /// <summary>All installed apps, by title.</summary>
    public static async Task<List<AppView>> LoadAsync(OutpostDbContext db, CancellationToken ct)
    {
        var apps = await db.Apps.AsNoTracking().ToListAsync(ct);
        var counts = await db.Grains.GroupBy(g => g.AppId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return apps
            .Select(a => From(a, counts.GetValueOrDefault(a.AppId)))
            .OrderBy(a => a.Title, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>One app without its grain count (0), or null when it is not installed.</summary>
    public static async Task<AppView?> FindAsync(OutpostDbContext db, string appId, CancellationToken ct) =>
        await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct) is { } app ? From(app, grainCount: 0) : null;

    private static AppView From(InstalledApp app, int grainCount)
    {
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson));
        return new AppView
        {
            AppId = app.AppId,
            Title = app.Title,
            Version = app.Version,
            MarketingVersion = app.MarketingVersion,
            Description = manifest.Metadata.Description,
            Author = manifest.Metadata.Author,
            License = manifest.Metadata.License,
            SourceUrl = manifest.Metadata.SourceUrl,
            HasIcon = manifest.Metadata.Icon is not null,
            Actions = manifest.Actions,
            GrainCount = grainCount,
            PackageSize = app.PackageSize,
            InstalledAt = app.InstalledAt,
            UpdatedAt = app.UpdatedAt,
        };
    }
}
