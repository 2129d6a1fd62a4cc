using Microsoft.EntityFrameworkCore;
using Outpost.Cluster.Grains;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Server.AccessLog;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;
using Outpost.Server.Sessions;

namespace Outpost.Server.Grains;

/// <summary>Creates, lists, stops and deletes grains.</summary>
internal sealed partial class GrainManager(
    OutpostDbContext db,
    DataPaths paths,
    IGrainFactory grains,
    RunningGrains running,
    SessionCache sessions,
    AccessLogWriter log,
    Sharing.GrainAccess access,
    KeyRing keys,
    GrainStorage storage,
    TimeProvider time,
    ILogger<GrainManager> logger)
{
    /// <summary>Creates a grain of an app from one of its actions; throws <see cref="GrainRequestException"/> for unknown apps or actions.</summary>
    public async Task<GrainRecord> CreateAsync(CreateGrainRequest request, string ownerId, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == request.AppId, ct)
            ?? throw new GrainRequestException($"No app with id {request.AppId} is installed. See 'outpost app list'.");
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson));
        var action = request.Action is null ? manifest.Actions[0] : manifest.Actions.FirstOrDefault(a => a.Id == request.Action)
            ?? throw new GrainRequestException($"{app.Title} has no action '{request.Action}'. Its actions: {string.Join(", ", manifest.Actions.Select(a => a.Id))}.");
        var title = string.IsNullOrWhiteSpace(request.Title) ? $"Untitled {action.NounPhrase ?? app.Title}" : request.Title.Trim();
        if (title.Length > 200)
        {
            throw new GrainRequestException("A grain title can have at most 200 characters.");
        }

        // SQLite serialises writers, so "max + 1" inside one transaction cannot hand the same number out twice.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var number = (await db.Grains.MaxAsync(g => (int?)g.Number, ct) ?? 0) + 1;
        var grain = new GrainRecord
        {
            Id = SecretToken.New(),
            Number = number,
            AppId = app.AppId,
            ActionId = action.Id,
            Title = title,
            OwnerId = ownerId,
            CreatedAt = time.GetUtcNow(),
            AppVersion = app.PinnedVersion ?? app.Version,
        };
        // Its encrypted storage is created on first start, under this key.
        keys.AssignGrainKey(grain);
        DataDirectory.CreateTraversable(paths.GrainDir(grain.Id));
        db.Grains.Add(grain);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        LogCreated(logger, grain.Id, app.Title);
        return grain;
    }

    /// <summary>The caller's own grains (in use, or in the trash).</summary>
    public async Task<List<GrainSummary>> ListAsync(string accountId, bool trash, CancellationToken ct)
    {
        var rows = await db.Grains.AsNoTracking()
            .Where(g => g.OwnerId == accountId && (g.TrashedAt != null) == trash)
            .Join(db.Apps, g => g.AppId, a => a.AppId, (g, a) => new { Grain = g, AppTitle = a.Title })
            .ToListAsync(ct);
        return rows
            .OrderByDescending(r => r.Grain.LastOpenedAt ?? r.Grain.CreatedAt)
            .Select(r => ToSummary(r.Grain, r.AppTitle))
            .ToList();
    }

    /// <summary>
    /// Grains other people shared with the account, directly or through someone who re-shared: only those the
    /// sharing graph still grants (a share beneath a revoked one is not listed), and none in the trash.
    /// </summary>
    public async Task<List<GrainSummary>> ListSharedWithAsync(string accountId, CancellationToken ct)
    {
        var candidates = await db.Shares.AsNoTracking()
            .Where(s => s.ToAccountId == accountId && s.RevokedAt == null)
            .Select(s => s.GrainId).Distinct().ToListAsync(ct);
        var granted = new List<string>(candidates.Count);
        foreach (var grainId in candidates)
        {
            var result = await access.GetAsync(grainId, [Core.Sharing.Principal.Account(accountId)], ct);
            if (result.HasAccess && !result.IsOwner)
            {
                granted.Add(grainId);
            }
        }

        var rows = await db.Grains.AsNoTracking()
            .Where(g => granted.Contains(g.Id) && g.TrashedAt == null)
            .Join(db.Apps, g => g.AppId, a => a.AppId, (g, a) => new { Grain = g, AppTitle = a.Title })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Grain.Title, StringComparer.CurrentCultureIgnoreCase).Select(r => ToSummary(r.Grain, r.AppTitle)).ToList();
    }

    /// <summary>Every grain of the server (admins): owner, state and resource use.</summary>
    public async Task<List<GrainSummary>> ListAllAsync(CancellationToken ct)
    {
        var rows = await db.Grains.AsNoTracking()
            .Join(db.Apps, g => g.AppId, a => a.AppId, (g, a) => new { Grain = g, AppTitle = a.Title })
            .ToListAsync(ct);
        return rows.Select(r => ToSummary(r.Grain, r.AppTitle)).OrderByDescending(g => g.Running).ThenBy(g => g.Title, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Renames a grain; throws <see cref="GrainRequestException"/> for an empty or over-long title.</summary>
    public async Task RenameAsync(GrainRecord grain, string title, CancellationToken ct)
    {
        title = title.Trim();
        if (title.Length is 0 or > 200)
        {
            throw new GrainRequestException("A grain title needs 1 to 200 characters.");
        }

        if (grain.Title != title)
        {
            var old = grain.Title;
            grain.Title = title;
            log.Add(grain, AccessLogActions.Rename, detail: $"from “{old}”");
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>What a grain's storage is held for while it is deleted.</summary>
    public const string DeletePurpose = "being deleted";

    /// <summary>
    /// Moves a grain to the trash (stopping it) or back out of it; throws <see cref="GrainBusyException"/> while a
    /// backup holds it.
    /// </summary>
    public async Task SetTrashedAsync(GrainRecord grain, bool trashed, CancellationToken ct)
    {
        if (trashed && storage.HeldBy(grain.Id) is { } heldBy)
        {
            throw new GrainBusyException(heldBy);
        }

        if (trashed)
        {
            await StopAsync(grain.Id);
            sessions.ForgetGrain(grain.Id);
        }

        if ((grain.TrashedAt is not null) != trashed)
        {
            log.Add(grain, trashed ? AccessLogActions.Trash : AccessLogActions.Restore);
        }

        grain.TrashedAt = trashed ? time.GetUtcNow() : null;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Finds a grain the caller may manage (owner or admin), or null.</summary>
    public async Task<GrainRecord?> FindOwnedAsync(string grainId, string accountId, bool isAdmin, CancellationToken ct)
    {
        var grain = await db.Grains.FirstOrDefaultAsync(g => g.Id == grainId, ct);
        return grain is not null && (isAdmin || grain.OwnerId == accountId) ? grain : null;
    }

    public GrainSummary ToSummary(GrainRecord grain, string appTitle) => new()
    {
        Id = grain.Id,
        Title = grain.Title,
        AppId = grain.AppId,
        AppTitle = appTitle,
        ActionId = grain.ActionId,
        Running = running.IsRunning(grain.Id),
        MemoryBytes = running.UsageOf(grain.Id)?.MemoryBytes,
        CreatedAt = grain.CreatedAt,
        LastOpenedAt = grain.LastOpenedAt,
        TrashedAt = grain.TrashedAt,
        OwnerId = grain.OwnerId,
        CpuSeconds = running.UsageOf(grain.Id)?.CpuTime.TotalSeconds,
        FuelUsed = grain.FuelUsed,
        AppVersion = grain.AppVersion,
        UpdateNote = grain.UpdateNote,
    };

    /// <summary>Stops the grain's sandbox (native) and unmounts its storage's plaintext view (both kinds).</summary>
    public async Task StopAsync(string grainId)
    {
        await grains.GetGrain<IGrainActivation>(grainId).Stop();
        await storage.UnmountIfUnusedAsync(grainId);
    }

    /// <summary>The grain's log (its app's output and the sandbox's events), decrypted.</summary>
    public async Task<string> ReadLogAsync(string grainId, CancellationToken ct) =>
        BoundedLog.ReadAll(paths.GrainLog(grainId), await storage.LogKeyAsync(grainId, ct));

    /// <summary>
    /// Stops the grain, forgets its sessions and deletes its storage and log for good. The storage is held meanwhile,
    /// so no backup reads it while it goes; while a backup holds it, throws <see cref="GrainBusyException"/>.
    /// </summary>
    public async Task DeleteAsync(GrainRecord grain, CancellationToken ct)
    {
        await StopAsync(grain.Id);
        var (hold, heldBy) = await storage.TryHoldUnmountedAsync(grain.Id, DeletePurpose, ct);
        await using (hold ?? throw new GrainBusyException(heldBy!))
        {
            log.Add(grain, AccessLogActions.Delete);
            db.Grains.Remove(grain);
            await db.SaveChangesAsync(ct);
            sessions.ForgetGrain(grain.Id);
            foreach (var dir in new[] { paths.GrainDir(grain.Id), paths.GrainRuntime(grain.Id) })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }

        LogDeleted(logger, grain.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} created ({AppTitle})")]
    private static partial void LogCreated(ILogger logger, string grainId, string appTitle);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} deleted")]
    private static partial void LogDeleted(ILogger logger, string grainId);
}

/// <summary>The grain's storage is held for something else now (a backup); the message says what and to try again.</summary>
public sealed class GrainBusyException(string heldBy) : Exception($"This grain is {heldBy}; try again in a moment.");

/// <summary>A grain request names something that does not exist or is not allowed; the message says what.</summary>
public sealed class GrainRequestException(string message) : Exception(message);
