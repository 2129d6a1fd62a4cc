using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Data;
using Outpost.Sandboxing.Storage;
using Outpost.Server.Hosting;

namespace Outpost.Server.Encryption;

/// <summary>
/// Grains' encrypted storage: each grain's plaintext view is mounted while something uses it (a native sandbox, or
/// WebAssembly requests) and unmounted when the sandbox has exited, or when a WebAssembly grain has been idle as
/// long as a native one would be before its stop. At start it unmounts views a crashed server left behind.
/// </summary>
internal sealed partial class GrainStorage(
    EncryptedVolumes volumes,
    IServiceScopeFactory scopes,
    KeyRing keys,
    DataPaths paths,
    IOptions<GrainLifecycleOptions> lifecycle,
    TimeProvider time,
    ILogger<GrainStorage> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Mount> _mounts = new();

    /// <summary>Mounts the grain's storage at <see cref="DataPaths.GrainStorage"/> (once for all users) and returns its log key.</summary>
    public async Task<byte[]> AcquireAsync(string grainId, int? ownerUid, CancellationToken ct)
    {
        var mount = await EnterAsync(grainId, ct);
        try
        {
            if (mount.HeldBy is { } holder)
            {
                throw new GrainStartException($"This grain is {holder}; it opens again as soon as that is done. Try again in a moment.");
            }

            await EnsureMountedAsync(grainId, mount, ownerUid, ct);
            mount.Users++;
            mount.LastUsed = time.GetTimestamp();
            return mount.LogKey!;
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>
    /// Mounts the grain's storage for <paramref name="purpose"/> alone (a backup reading it): while held, every
    /// <see cref="AcquireAsync"/> (a start of the grain, a WebAssembly request) fails with a
    /// <see cref="GrainStartException"/> that names the purpose. Returns null when something uses the storage now
    /// (the grain is running); the caller stops it and tries again. <see cref="EndHoldAsync"/> unmounts.
    /// </summary>
    public async Task<string?> TryHoldAsync(string grainId, int? ownerUid, string purpose, CancellationToken ct)
    {
        var mount = await EnterAsync(grainId, ct);
        try
        {
            if (mount.Users > 0 || mount.HeldBy is not null)
            {
                return null;
            }

            await EnsureMountedAsync(grainId, mount, ownerUid, ct);
            mount.HeldBy = purpose;
            mount.LastUsed = time.GetTimestamp();
            return paths.GrainStorage(grainId);
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>
    /// Holds the grain's storage for <paramref name="purpose"/> without mounting it, for work on its encrypted files
    /// themselves (an update's snapshot or rollback, a deletion): the view is unmounted if nothing uses it, and
    /// until the hold ends no start and no backup can take the storage. When a backup holds it already, returns no
    /// hold and what holds it ("being backed up").
    /// </summary>
    public async Task<(StorageHold? Hold, string? HeldBy)> TryHoldUnmountedAsync(string grainId, string purpose, CancellationToken ct)
    {
        var mount = await EnterAsync(grainId, ct);
        try
        {
            if (mount.HeldBy is { } holder)
            {
                return (null, holder);
            }

            // Held before the unmount, which then keeps the entry (and with it the hold).
            mount.HeldBy = purpose;
            if (mount.Users == 0)
            {
                await UnmountAsync(grainId, mount);
            }

            return (new StorageHold(this, grainId), null);
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>What holds the grain's storage now ("being backed up"), or null.</summary>
    public string? HeldBy(string grainId) => _mounts.TryGetValue(grainId, out var mount) ? mount.HeldBy : null;

    /// <summary>Ends a hold taken with <see cref="TryHoldAsync"/> and unmounts the view: the grain may start again.</summary>
    public async Task EndHoldAsync(string grainId)
    {
        if (!_mounts.TryGetValue(grainId, out var mount))
        {
            return;
        }

        await mount.Gate.WaitAsync(CancellationToken.None);
        try
        {
            mount.HeldBy = null;
            await UnmountAsync(grainId, mount);
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>One user is done; with <paramref name="unmountNow"/> the view goes as soon as nobody uses it, else when idle.</summary>
    public async Task ReleaseAsync(string grainId, bool unmountNow)
    {
        if (!_mounts.TryGetValue(grainId, out var mount))
        {
            return;
        }

        await mount.Gate.WaitAsync();
        try
        {
            mount.Users = Math.Max(0, mount.Users - 1);
            mount.LastUsed = time.GetTimestamp();
            if (unmountNow && mount.Users == 0 && mount.HeldBy is null)
            {
                await UnmountAsync(grainId, mount);
            }
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>Unmounts the grain's view now if nothing uses it (a stop, the trash, a deletion).</summary>
    public async Task UnmountIfUnusedAsync(string grainId)
    {
        if (!_mounts.TryGetValue(grainId, out var mount))
        {
            return;
        }

        await mount.Gate.WaitAsync();
        try
        {
            if (mount.Users == 0 && mount.HeldBy is null)
            {
                await UnmountAsync(grainId, mount);
            }
        }
        finally
        {
            mount.Gate.Release();
        }
    }

    /// <summary>The key of the grain's encrypted log, without mounting anything.</summary>
    public async Task<byte[]> LogKeyAsync(string grainId, CancellationToken ct) => GrainKeys.LogKey(await GrainKeyAsync(grainId, ct));

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stale in await EncryptedVolumes.UnmountStaleAsync(paths.Grains))
        {
            LogStaleUnmounted(logger, stale);
        }

        if (!volumes.RaisesReadAhead && !Environment.IsPrivilegedProcess)
        {
            LogReadAheadKept(logger);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var (grainId, mount) in _mounts)
        {
            await mount.Gate.WaitAsync(CancellationToken.None);
            try
            {
                await UnmountAsync(grainId, mount);
            }
            finally
            {
                mount.Gate.Release();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = lifecycle.Value.IdleTimeout;
        var period = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (grainId, mount) in _mounts)
                {
                    if (mount.Volume is not null && mount.Users == 0 && mount.HeldBy is null && time.GetElapsedTime(mount.LastUsed) >= idle)
                    {
                        await UnmountIfUnusedAsync(grainId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Server shutdown: StopAsync unmounts what is left.
        }
    }

    // The grain's entry with its gate taken; the caller releases the gate.
    private async Task<Mount> EnterAsync(string grainId, CancellationToken ct)
    {
        var mount = _mounts.GetOrAdd(grainId, _ => new Mount());
        await mount.Gate.WaitAsync(ct);
        while (!_mounts.TryGetValue(grainId, out var current) || !ReferenceEquals(current, mount))
        {
            // An unmount forgot this entry while we waited: a view mounted (or a hold taken) through it would be known to nobody.
            mount.Gate.Release();
            mount = _mounts.GetOrAdd(grainId, _ => new Mount());
            await mount.Gate.WaitAsync(ct);
        }

        return mount;
    }

    // Under the mount's gate.
    private async Task EnsureMountedAsync(string grainId, Mount mount, int? ownerUid, CancellationToken ct)
    {
        if (mount.Volume is { IsAlive: false } dead)
        {
            // gocryptfs died (killed, or out of memory): the view is gone; mount it again.
            LogVolumeDied(logger, grainId);
            await dead.DisposeAsync();
            mount.Volume = null;
        }

        if (mount.Volume is null)
        {
            var grainKey = await GrainKeyAsync(grainId, ct);
            mount.Volume = await MountAsync(grainId, grainKey, ownerUid, ct);
            mount.LogKey = GrainKeys.LogKey(grainKey);
        }
    }

    private async Task<byte[]> GrainKeyAsync(string grainId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var grain = await db.Grains.FirstOrDefaultAsync(g => g.Id == grainId, ct)
            ?? throw new GrainNotFoundException($"Grain {grainId} does not exist.");
        if (grain.StorageKey is null)
        {
            // A grain from before encryption: it gets its key now, and its files move in on this mount.
            var key = keys.AssignGrainKey(grain);
            await db.SaveChangesAsync(ct);
            return key;
        }

        return keys.GrainKey(grain);
    }

    private async Task<MountedVolume> MountAsync(string grainId, byte[] grainKey, int? ownerUid, CancellationToken ct)
    {
        var cipherDir = paths.GrainEncryptedStorage(grainId);
        var mountPoint = paths.GrainStorage(grainId);
        var password = GrainKeys.StoragePassword(grainKey);
        DataDirectory.CreateTraversable(paths.GrainDir(grainId));
        // Storage from before encryption moves aside, then into the new volume; a move interrupted by a crash is
        // taken up again at the next mount (copying over what was already copied).
        var legacy = mountPoint + ".plaintext";
        if (!EncryptedVolumes.IsInitialized(cipherDir))
        {
            if (Directory.Exists(mountPoint) && Directory.EnumerateFileSystemEntries(mountPoint).Any())
            {
                Directory.Move(mountPoint, legacy);
            }

            await volumes.InitAsync(cipherDir, password, ct);
        }

        var importFrom = Directory.Exists(legacy) ? legacy : null;

        var volume = await volumes.MountAsync(cipherDir, mountPoint, password, ownerUid, importFrom, ct);
        if (importFrom is not null)
        {
            LogMigrated(logger, grainId);
        }

        LogMounted(logger, grainId, volume.ReadAheadKiB is int kib ? FormattableString.Invariant($"{kib} KiB") : "the kernel's");
        return volume;
    }

    private async Task UnmountAsync(string grainId, Mount mount)
    {
        if (mount.Volume is { } volume)
        {
            mount.Volume = null;
            await volume.DisposeAsync();
            LogUnmounted(logger, grainId);
        }

        if (mount.Users == 0 && mount.HeldBy is null)
        {
            _mounts.TryRemove(new KeyValuePair<string, Mount>(grainId, mount));
        }
    }

    private sealed class Mount
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public MountedVolume? Volume { get; set; }

        public byte[]? LogKey { get; set; }

        public int Users { get; set; }

        /// <summary>What holds the storage alone ("being backed up"), or null.</summary>
        public string? HeldBy { get; set; }

        public long LastUsed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain {GrainId}: encrypted storage mounted (read-ahead {ReadAhead})")]
    private static partial void LogMounted(ILogger logger, string grainId, string readAhead);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage keeps the kernel's 128 KiB read-ahead: only root may raise it, so large files in grains read about a third slower (see docs/encryption.md)")]
    private static partial void LogReadAheadKept(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain {GrainId}: encrypted storage unmounted")]
    private static partial void LogUnmounted(ILogger logger, string grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId}: the encryption process of its storage died; mounting again")]
    private static partial void LogVolumeDied(ILogger logger, string grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unmounted grain storage {MountPoint} left mounted by a previous run")]
    private static partial void LogStaleUnmounted(ILogger logger, string mountPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId}: storage from before encryption moved into encrypted storage")]
    private static partial void LogMigrated(ILogger logger, string grainId);
}

/// <summary>A hold on a grain's storage (see <see cref="GrainStorage.TryHoldUnmountedAsync"/>); disposing ends it.</summary>
internal sealed class StorageHold(GrainStorage storage, string grainId) : IAsyncDisposable
{
    private int _ended;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            await storage.EndHoldAsync(grainId);
        }
    }
}
