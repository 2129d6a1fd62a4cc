using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Server.AccessLog;

namespace Outpost.Server.Backups;

/// <summary>
/// Writes a grain's backup. The grain is stopped first and its storage held for the backup alone while it is read, so
/// the files cannot change underneath: a request that arrives meanwhile gets "This grain is being backed up" (503)
/// and the grain starts normally on the first request after the backup.
/// </summary>
internal sealed partial class GrainBackups(
    OutpostDbContext db,
    GrainHolds holds,
    AccessLogWriter log,
    TimeProvider time,
    ILogger<GrainBackups> logger)
{
    /// <summary>How the grain's pages describe it while held ("This grain is being backed up").</summary>
    public const string HoldPurpose = GrainHolds.HoldPurpose;

    /// <summary>
    /// Stops the grain, holds its storage and writes the backup to <paramref name="output"/>, then lets the grain
    /// start again. Records <see cref="AccessLogActions.BackupDownload"/> once the whole backup is written.
    /// </summary>
    public Task<BackupSummary> WriteAsync(GrainRecord grain, BackupKey key, Stream output, CancellationToken ct) =>
        WriteAsync(grain, key, output, AccessLogActions.BackupDownload, actor: null, ct);

    /// <summary>
    /// As <see cref="WriteAsync(GrainRecord, BackupKey, Stream, CancellationToken)"/>, recorded in the access log as
    /// <paramref name="action"/> by <paramref name="actor"/> (null: whoever makes the current request).
    /// </summary>
    public async Task<BackupSummary> WriteAsync(GrainRecord grain, BackupKey key, Stream output, string action, AccessLogActor? actor, CancellationToken ct)
    {
        var manifest = await ManifestAsync(grain, ct);
        var view = await holds.HoldAsync(grain, ct);
        BackupSummary summary;
        try
        {
            summary = await BackupWriter.WriteAsync(output, manifest, view, key, progress: null, ct);
        }
        finally
        {
            await holds.ReleaseAsync(grain.Id);
        }

        var detail = $"{summary.Files} files, {summary.FileBytes} bytes";
        if (actor is null)
        {
            log.Add(grain, action, detail: detail);
        }
        else
        {
            log.Add(grain, actor, action, detail: detail);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        LogBackedUp(logger, grain.Id, summary.Files, summary.FileBytes);
        return summary;
    }

    /// <summary>A file name for the download: the title made safe, and the date.</summary>
    public string FileName(GrainRecord grain)
    {
        var safe = new string(grain.Title.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-', '.');
        if (safe.Length is 0)
        {
            safe = "grain";
        }

        return $"{(safe.Length > 80 ? safe[..80] : safe)}-{time.GetUtcNow():yyyy-MM-dd}.outpost-backup";
    }

    private async Task<BackupManifest> ManifestAsync(GrainRecord grain, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == grain.AppId, ct);
        var version = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(v => v.AppId == grain.AppId && v.Version == grain.AppVersion, ct);
        // SQLite cannot order by DateTimeOffset; a grain's shares are few.
        var shares = (await db.Shares.AsNoTracking().Where(s => s.GrainId == grain.Id).ToListAsync(ct)).OrderBy(s => s.CreatedAt).ToList();
        var entries = await db.AccessLog.AsNoTracking().Where(e => e.GrainId == grain.Id).OrderBy(e => e.Id).ToListAsync(ct);
        return new BackupManifest
        {
            GrainId = grain.Id,
            Title = grain.Title,
            OwnerAccountId = grain.OwnerId,
            AppId = grain.AppId,
            AppVersion = grain.AppVersion,
            AppMarketingVersion = version?.MarketingVersion,
            AppTitle = app?.Title,
            CreatedAt = time.GetUtcNow(),
            Shares = shares.Select(s => new BackupShare
            {
                Id = s.Id,
                ToAccountId = s.ToAccountId,
                TokenHash = s.TokenHash,
                RoleId = s.RoleId,
                FromAccountId = s.FromAccountId,
                FromLinkShareId = s.FromLinkShareId,
                CreatedBy = s.CreatedBy,
                Label = s.Label,
                SignInRequired = s.SignInRequired,
                CreatedAt = s.CreatedAt,
                ExpiresAt = s.ExpiresAt,
                RevokedAt = s.RevokedAt,
            }).ToList(),
            AccessLog = entries.Select(e => new BackupLogEntry
            {
                At = e.At,
                Action = e.Action,
                GrainTitle = e.GrainTitle,
                ActorAccountId = e.ActorAccountId,
                ActorName = e.ActorName,
                ShareId = e.ShareId,
                Role = e.Role,
                Address = e.Address,
                Detail = e.Detail,
            }).ToList(),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} backed up: {Files} files, {Bytes} bytes")]
    private static partial void LogBackedUp(ILogger logger, string grainId, int files, long bytes);
}
