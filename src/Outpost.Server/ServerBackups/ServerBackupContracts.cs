namespace Outpost.Server.ServerBackups;

/// <summary>Scheduled whole-server backups, bound from <c>Outpost:Backups</c> (env <c>OUTPOST__BACKUPS__DIRECTORY</c> ...).</summary>
public sealed class ServerBackupOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Outpost:Backups";

    /// <summary>The backup repository (a directory, ideally on another disk). Unset: no scheduled backups.</summary>
    public string? Directory { get; set; }

    /// <summary>How often a backup is made. Default: daily. Zero: only when asked (<c>outpost server backup</c>).</summary>
    public TimeSpan Schedule { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Keep the newest snapshot of each of this many last days. Default 7.</summary>
    public int KeepDaily { get; set; } = 7;

    /// <summary>Keep the newest snapshot of each of this many last weeks. Default 4.</summary>
    public int KeepWeekly { get; set; } = 4;

    /// <summary>Keep this many newest snapshots whatever their day (e.g. one made by hand before an upgrade). Default 1; the newest is always kept.</summary>
    public int KeepLast { get; set; } = 1;
}

/// <summary>One snapshot, as listed.</summary>
public sealed record SnapshotSummary
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Titles of the grains it holds.</summary>
    public required List<string> Grains { get; init; }

    public required int Files { get; init; }

    /// <summary>Size of everything in the snapshot.</summary>
    public required long TotalBytes { get; init; }

    /// <summary>What this snapshot added to the repository.</summary>
    public required long NewBytes { get; init; }

    /// <summary>What was left out, one line each (a grain that could not be held, a socket).</summary>
    public List<string> Skipped { get; init; } = [];

    public static SnapshotSummary Of(SnapshotIndex index) => new()
    {
        Id = index.Id,
        CreatedAt = index.CreatedAt,
        Grains = index.Grains.Select(g => g.Title).ToList(),
        Files = index.Entries.Count(e => e.Kind == SnapshotEntryKind.File),
        TotalBytes = index.TotalBytes,
        NewBytes = index.NewBytes,
        Skipped = index.Skipped,
    };
}

/// <summary>The running or last backup.</summary>
public sealed record ServerBackupStatus
{
    public bool Running { get; init; }

    /// <summary>What the running backup does now, e.g. "grain 2 of 5: Notes".</summary>
    public string? Phase { get; init; }

    public int Files { get; init; }

    public long Bytes { get; init; }

    public long NewBytes { get; init; }

    public DateTimeOffset? LastStartedAt { get; init; }

    public DateTimeOffset? LastFinishedAt { get; init; }

    /// <summary>The snapshot the last run made, if it succeeded.</summary>
    public string? LastSnapshotId { get; init; }

    /// <summary>Why the last run failed (it is tried again at the next round), or null.</summary>
    public string? LastError { get; init; }
}

/// <summary><c>GET /api/server/backups</c>: the settings, the status and the snapshots.</summary>
public sealed record ServerBackupReport
{
    public string? Directory { get; init; }

    public TimeSpan Schedule { get; init; }

    public int KeepDaily { get; init; }

    public int KeepWeekly { get; init; }

    public int KeepLast { get; init; }

    public required ServerBackupStatus Status { get; init; }

    /// <summary>Oldest first.</summary>
    public required List<SnapshotSummary> Snapshots { get; init; }

    /// <summary>Why the snapshots could not be listed, or null.</summary>
    public string? ListError { get; init; }
}
