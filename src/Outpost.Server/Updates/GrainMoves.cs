using Outpost.Data;
using Outpost.Data.Grains;
using Outpost.Sandboxing;
using Outpost.Server.Hosting;

namespace Outpost.Server.Updates;

/// <summary>
/// Moves a stopped grain to another app version, and back if the new version does not start. Before a move the
/// grain's storage is copied to <c>grains/&lt;id&gt;/snapshots/&lt;old version&gt;</c>; a rollback restores that
/// copy, so an update that fails (or half-migrates the data before failing) loses nothing. The copy is of the
/// storage as it is on disk (encrypted, unmounted), so snapshots are encrypted too and need no key to take.
/// </summary>
internal sealed partial class GrainMoves(DataPaths paths, Encryption.GrainStorage storage, TimeProvider time, ILogger<GrainMoves> logger)
{
    private const int MaxReasonChars = 1200;

    /// <summary>How the grain's pages describe it while its storage is copied for an update.</summary>
    public const string HoldPurpose = "being updated to a new app version";

    /// <summary>
    /// Snapshots the storage and records the move; the caller starts the new version next. When the snapshot cannot
    /// be taken (disk full, say) the grain stays on its version this time, because a move without a way back is
    /// not safe; the reason goes to the grain log and the owner.
    /// </summary>
    public async Task BeginAsync(OutpostDbContext db, GrainRecord grain, int target, long maxLogBytes, CancellationToken ct)
    {
        // A move already under way (the server stopped during the first try) keeps its snapshot from before it.
        if (grain.UpdatingFromVersion is null)
        {
            await using var hold = await HoldAsync(grain.Id, ct);
            try
            {
                await StorageSnapshots.CopyAsync(paths.GrainEncryptedStorage(grain.Id), paths.GrainSnapshot(grain.Id, grain.AppVersion), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                grain.UpdateNote = $"{time.GetUtcNow():yyyy-MM-dd HH:mm} UTC: the update to app version {target} is postponed: the snapshot of the grain's data could not be taken ({e.Message}).";
                await db.SaveChangesAsync(ct);
                await LogAsync(grain.Id, maxLogBytes, $"outpost: update to app version {target} postponed, no snapshot: {e.Message}", ct);
                LogSnapshotFailed(logger, grain.Id, target, e.Message);
                return;
            }

            grain.UpdatingFromVersion = grain.AppVersion;
        }

        await LogAsync(grain.Id, maxLogBytes, $"outpost: updating from app version {grain.UpdatingFromVersion} to {target}; storage snapshot kept in {paths.GrainSnapshot(grain.Id, grain.UpdatingFromVersion.Value)}", ct);
        LogMoving(logger, grain.Id, grain.UpdatingFromVersion.Value, target);
        grain.AppVersion = target;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Rolls back a move that did not start: restores the snapshot, switches the grain back and records why. Returns
    /// false when the grain was not moving (a plain start failure, nothing to roll back).
    /// </summary>
    public async Task<bool> RollBackAsync(OutpostDbContext db, GrainRecord grain, string reason, long maxLogBytes, CancellationToken ct)
    {
        if (grain.UpdatingFromVersion is not int previous)
        {
            return false;
        }

        var failed = grain.AppVersion;
        await using (await HoldAsync(grain.Id, ct))
        {
            await StorageSnapshots.CopyAsync(paths.GrainSnapshot(grain.Id, previous), paths.GrainEncryptedStorage(grain.Id), ct);
        }

        var shortReason = reason.Length > MaxReasonChars ? reason[..MaxReasonChars] + "…" : reason;
        grain.AppVersion = previous;
        grain.UpdatingFromVersion = null;
        grain.RefusedVersion = failed;
        grain.UpdateNote =
            $"{time.GetUtcNow():yyyy-MM-dd HH:mm} UTC: the update to app version {failed} did not start, so the grain was rolled back to version {previous} with its data from before the update. It will not try version {failed} again; a newer version will be tried when it is installed. Reason: {shortReason}";
        await db.SaveChangesAsync(ct);
        await LogAsync(grain.Id, maxLogBytes, $"outpost: app version {failed} did not start; rolled back to version {previous} and restored the storage snapshot", ct);
        LogRolledBack(logger, grain.Id, failed, previous, shortReason);
        return true;
    }

    /// <summary>The new version is ready: the move is final. The snapshot from just before it stays, older ones go.</summary>
    public async Task CompleteAsync(OutpostDbContext db, GrainRecord grain, CancellationToken ct)
    {
        if (grain.UpdatingFromVersion is not int previous)
        {
            return;
        }

        grain.UpdatingFromVersion = null;
        grain.RefusedVersion = null;
        grain.UpdateNote = null;
        await db.SaveChangesAsync(ct);
        var keep = paths.GrainSnapshot(grain.Id, previous);
        if (Directory.Exists(paths.GrainSnapshots(grain.Id)))
        {
            foreach (var old in Directory.EnumerateDirectories(paths.GrainSnapshots(grain.Id)).Where(d => d != keep))
            {
                StorageSnapshots.DeleteIfExists(old);
            }
        }

        LogMoved(logger, grain.Id, previous, grain.AppVersion);
    }

    /// <summary>
    /// The storage, unmounted and held while its encrypted files are copied: a backup never reads files an update is
    /// replacing, and an update waits for a backup (the grain's start fails as it would anyway while it is backed up).
    /// </summary>
    private async Task<Encryption.StorageHold> HoldAsync(string grainId, CancellationToken ct)
    {
        var (hold, heldBy) = await storage.TryHoldUnmountedAsync(grainId, HoldPurpose, ct);
        return hold ?? throw new Cluster.Grains.GrainStartException($"This grain is {heldBy}; it opens again as soon as that is done. Try again in a moment.");
    }

    // The grain log is encrypted with the grain's log key, like everything the sandbox writes to it.
    private async Task LogAsync(string grainId, long maxLogBytes, string line, CancellationToken ct) =>
        new BoundedLog(paths.GrainLog(grainId), maxLogBytes, await storage.LogKeyAsync(grainId, ct)).AppendLine(line);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: moving from app version {From} to {To}")]
    private static partial void LogMoving(ILogger logger, string grainId, int from, int to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId}: update to app version {Target} postponed, the storage snapshot failed: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, string grainId, int target, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: now runs app version {To} (was {From})")]
    private static partial void LogMoved(ILogger logger, string grainId, int from, int to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId}: app version {Failed} did not start, rolled back to {Previous}: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string grainId, int failed, int previous, string reason);
}
