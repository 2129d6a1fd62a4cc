using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Data;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Server.Hosting;

namespace Outpost.Server.Grains;

/// <summary>Builds a grain's sandbox spec from the metadata database and the server's sandbox settings.</summary>
internal sealed class GrainLauncher(IServiceScopeFactory scopes, DataPaths paths, IOptions<SandboxSettings> settings) : IGrainLauncher
{
    public async Task<SandboxSpec> PrepareAsync(string grainId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var grain = await db.Grains.AsNoTracking().FirstOrDefaultAsync(g => g.Id == grainId, cancellationToken)
            ?? throw new GrainNotFoundException($"Grain {grainId} does not exist.");
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == grain.AppId, cancellationToken)
            ?? throw new GrainNotFoundException($"The app of grain {grainId} ({grain.AppId}) is not installed.");
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson));
        var s = settings.Value;

        // Storage is created with the grain, but a grain restored from an older layout may lack it.
        DataDirectory.CreateTraversable(paths.GrainDir(grainId));
        if (!Directory.Exists(paths.GrainStorage(grainId)))
        {
            DataDirectory.CreatePrivate(paths.GrainStorage(grainId));
        }

        return new SandboxSpec
        {
            InstanceName = grainId,
            PackageRoot = paths.AppRoot(app.AppId, app.Version),
            StorageDir = paths.GrainStorage(grainId),
            RuntimeDir = paths.GrainRuntime(grainId),
            Command = manifest.Command.Path,
            Args = manifest.Command.Args ?? [],
            Environment = manifest.Command.Env ?? new Dictionary<string, string>(),
            Port = manifest.Port,
            LogFile = paths.GrainLog(grainId),
            MaxLogBytes = s.LogKiB * 1024L,
            Limits = new SandboxLimits { MemoryBytes = MemoryMiB(manifest, s) * 1024L * 1024L, MaxProcesses = s.MaxProcesses, CpuCores = s.CpuCores },
            HostUid = Environment.IsPrivilegedProcess ? s.UidBase + grain.Number : null,
            StartTimeout = s.StartTimeout,
        };
    }

    /// <summary>The app's own request when it makes one, never above the administrator's maximum.</summary>
    internal static int MemoryMiB(AppManifest manifest, SandboxSettings settings) =>
        manifest.MemoryMiB == 0 ? settings.MemoryMiB : Math.Min(manifest.MemoryMiB, Math.Max(settings.MaxMemoryMiB, settings.MemoryMiB));
}
