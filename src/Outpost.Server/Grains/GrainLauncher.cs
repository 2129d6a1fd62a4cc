using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Data;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Server.Grains;

/// <summary>Builds a grain's sandbox spec from the metadata database and the server's sandbox settings.</summary>
internal sealed class GrainLauncher(IServiceScopeFactory scopes, DataPaths paths, GrainStorage storage, IOptions<SandboxSettings> settings) : IGrainLauncher
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

        var hostUid = Environment.IsPrivilegedProcess ? s.UidBase + grain.Number : (int?)null;

        // Last: once mounted, the activation releases the storage when the sandbox is gone (or failed to start).
        var logKey = await storage.AcquireAsync(grainId, hostUid, cancellationToken);
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
            LogKey = logKey,
            MaxLogBytes = s.LogKiB * 1024L,
            Limits = new SandboxLimits { MemoryBytes = s.MemoryMiB * 1024L * 1024L, MaxProcesses = s.MaxProcesses, CpuCores = s.CpuCores },
            HostUid = hostUid,
            StartTimeout = s.StartTimeout,
        };
    }

    public Task ReleaseAsync(string grainId) => storage.ReleaseAsync(grainId, unmountNow: true);
}
