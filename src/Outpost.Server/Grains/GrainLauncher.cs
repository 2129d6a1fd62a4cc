using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Data;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;
using Outpost.Server.Updates;

namespace Outpost.Server.Grains;

/// <summary>
/// Builds a grain's sandbox spec from the metadata database and the server's sandbox settings, and mounts the
/// plaintext view of its encrypted storage. This is where a stopped grain moves to a newer app version (see
/// <see cref="GrainMoves"/>), so updates happen on the next start without anyone clicking.
/// </summary>
internal sealed class GrainLauncher(IServiceScopeFactory scopes, DataPaths paths, GrainMoves moves, GrainStorage storage, IOptions<SandboxSettings> settings)
    : IGrainLauncher
{
    private long MaxLogBytes => settings.Value.LogKiB * 1024L;

    public async Task<SandboxSpec> PrepareAsync(string grainId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var grain = await FindGrainAsync(db, grainId, cancellationToken);
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == grain.AppId, cancellationToken)
            ?? throw new GrainNotFoundException($"The app of grain {grainId} ({grain.AppId}) is not installed.");

        var target = GrainVersions.Target(app, grain);
        if (target != grain.AppVersion && await db.AppVersions.AnyAsync(v => v.AppId == app.AppId && v.Version == target, cancellationToken))
        {
            await moves.BeginAsync(db, grain, target, MaxLogBytes, cancellationToken);
        }

        var version = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(v => v.AppId == app.AppId && v.Version == grain.AppVersion, cancellationToken)
            ?? throw new GrainNotFoundException($"Version {grain.AppVersion} of {app.Title}, which grain {grainId} runs, is not installed.");
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(version.ManifestJson));
        var s = settings.Value;
        var hostUid = Environment.IsPrivilegedProcess ? s.UidBase + grain.Number : (int?)null;

        // Last (after any move, whose snapshot copies the storage as it is on disk): once mounted, the activation
        // releases the storage when the sandbox is gone (or failed to start).
        var logKey = await storage.AcquireAsync(grainId, hostUid, cancellationToken);
        return new SandboxSpec
        {
            InstanceName = grainId,
            PackageRoot = paths.AppRoot(app.AppId, version.Version),
            StorageDir = paths.GrainStorage(grainId),
            RuntimeDir = paths.GrainRuntime(grainId),
            Command = manifest.Command.Path,
            Args = manifest.Command.Args ?? [],
            Environment = manifest.Command.Env ?? new Dictionary<string, string>(),
            Port = manifest.Port,
            LogFile = paths.GrainLog(grainId),
            LogKey = logKey,
            MaxLogBytes = MaxLogBytes,
            Limits = new SandboxLimits { MemoryBytes = MemoryMiB(manifest, s) * 1024L * 1024L, MaxProcesses = s.MaxProcesses, CpuCores = s.CpuCores },
            HostUid = hostUid,
            StartTimeout = s.StartTimeout,
        };
    }

    public async Task<SandboxSpec?> StartFailedAsync(string grainId, string reason, CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            if (!await moves.RollBackAsync(db, await FindGrainAsync(db, grainId, cancellationToken), reason, MaxLogBytes, cancellationToken))
            {
                return null;
            }
        }

        return await PrepareAsync(grainId, cancellationToken);
    }

    public async Task StartedAsync(string grainId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        await moves.CompleteAsync(db, await FindGrainAsync(db, grainId, cancellationToken), cancellationToken);
    }

    private static async Task<GrainRecord> FindGrainAsync(OutpostDbContext db, string grainId, CancellationToken ct) =>
        await db.Grains.FirstOrDefaultAsync(g => g.Id == grainId, ct) ?? throw new GrainNotFoundException($"Grain {grainId} does not exist.");

    /// <summary>The app's own request when it makes one, never above the administrator's maximum.</summary>
    internal static int MemoryMiB(AppManifest manifest, SandboxSettings settings) =>
        manifest.MemoryMiB == 0 ? settings.MemoryMiB : Math.Min(manifest.MemoryMiB, Math.Max(settings.MaxMemoryMiB, settings.MemoryMiB));

    public Task ReleaseAsync(string grainId) => storage.ReleaseAsync(grainId, unmountNow: true);
}
