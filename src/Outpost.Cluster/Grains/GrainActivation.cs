using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outpost.Sandboxing;

namespace Outpost.Cluster.Grains;

/// <summary>
/// Owns the sandbox of one running grain. Orleans guarantees one activation per grain id in the cluster, so two
/// requests can never start two sandboxes for the same storage. Idle stop, start on first request and restart
/// after a crash all follow from "start when asked, stop when idle".
/// </summary>
internal sealed partial class GrainActivation(
    IGrainLauncher launcher,
    ISandboxDriver driver,
    RunningGrains running,
    IOptions<GrainLifecycleOptions> options,
    TimeProvider time,
    ILogger<GrainActivation> logger) : Grain, IGrainActivation
{
    private ISandboxProcess? _process;
    private GrainEndpoint? _endpoint;
    private long _lastActivity;
    private IGrainTimer? _idleTimer;

    private string GrainId => this.GetPrimaryKeyString();

    public async Task<GrainEndpoint> EnsureStarted()
    {
        _lastActivity = time.GetTimestamp();
        if (_process is { Exited.IsCompleted: false } && _endpoint is not null)
        {
            return _endpoint;
        }

        // A process that exited on its own crashed (or was killed by a limit): forget it and start afresh.
        await ReleaseAsync();

        SandboxSpec spec;
        try
        {
            spec = await launcher.PrepareAsync(GrainId, CancellationToken.None);
        }
        catch (GrainNotFoundException)
        {
            DeactivateOnIdle();
            throw;
        }

        ISandboxProcess process;
        try
        {
            process = await StartOrRollBackAsync(spec);
        }
        catch (Exception e)
        {
            // Whatever went wrong, what preparing took (the storage's plaintext view) must not stay behind.
            await launcher.ReleaseAsync(GrainId);
            if (e is not SandboxStartException)
            {
                throw;
            }

            LogStartFailed(logger, GrainId, e.Message);
            DeactivateOnIdle();
            throw new GrainStartException($"The grain's app did not start: {e.Message}");
        }

        await launcher.StartedAsync(GrainId, CancellationToken.None);

        _process = process;
        _endpoint = new GrainEndpoint { SocketPath = process.SocketPath, StartedAt = time.GetUtcNow() };
        running.Add(GrainId, process);
        LogStarted(logger, GrainId);
        _ = WatchExitAsync(process);
        // Not interleaved: an idle stop must never run between the checks of a concurrent EnsureStarted.
        _idleTimer ??= this.RegisterGrainTimer(CheckIdleAsync, new GrainTimerCreationOptions(IdleCheckPeriod, IdleCheckPeriod));
        _lastActivity = time.GetTimestamp();
        return _endpoint;
    }

    /// <summary>
    /// Starts <paramref name="spec"/>; if it fails and it was a move to a new app version, the launcher rolls the
    /// grain back and the old version is started instead, so an update that does not start costs one failed try.
    /// </summary>
    private async Task<ISandboxProcess> StartOrRollBackAsync(SandboxSpec spec)
    {
        try
        {
            return await driver.StartAsync(spec);
        }
        catch (SandboxStartException e)
        {
            // A rollback restores the storage as it is on disk, so its plaintext view must be gone first.
            await launcher.ReleaseAsync(GrainId);
            var previous = await launcher.StartFailedAsync(GrainId, e.Message, CancellationToken.None);
            if (previous is null)
            {
                throw;
            }

            LogRolledBack(logger, GrainId, e.Message);
            return await driver.StartAsync(previous);
        }
    }

    public async Task Stop()
    {
        await ReleaseAsync();
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _idleTimer?.Dispose();
        await ReleaseAsync();
    }

    private TimeSpan IdleCheckPeriod
    {
        get
        {
            var quarter = options.Value.IdleTimeout / 4;
            return quarter < TimeSpan.FromMilliseconds(250) ? TimeSpan.FromMilliseconds(250)
                : quarter > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30)
                : quarter;
        }
    }

    private async Task CheckIdleAsync(CancellationToken cancellationToken)
    {
        if (_process is null || time.GetElapsedTime(_lastActivity) < options.Value.IdleTimeout)
        {
            return;
        }

        LogIdle(logger, GrainId, options.Value.IdleTimeout);
        await ReleaseAsync();
        DeactivateOnIdle();
    }

    private async Task WatchExitAsync(ISandboxProcess process)
    {
        var code = await process.Exited;
        if (ReferenceEquals(_process, process))
        {
            // Not stopped by us: the app crashed or hit a limit. The next request starts it again.
            LogCrashed(logger, GrainId, code);
            await ReleaseAsync();
        }
    }

    private async Task ReleaseAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        _endpoint = null;

        // Routers may still hold this endpoint. Unlinking the socket first makes their next connect fail at once
        // (and ask this activation again, which waits for the stop and starts afresh) instead of reaching a bridge
        // that is being killed and answering with a broken connection.
        TryUnlink(process.SocketPath);
        await process.StopAsync();
        await process.DisposeAsync();
        await launcher.ReleaseAsync(GrainId);

        // Only now is the grain really stopped: listings must not say "stopped" while it is still being killed.
        running.Remove(GrainId, process);
        LogStopped(logger, GrainId);
    }

    private static void TryUnlink(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already gone, or the sandbox's runtime directory is being torn down: either way no new connects.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} started")]
    private static partial void LogStarted(ILogger logger, string grainId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} stopped")]
    private static partial void LogStopped(ILogger logger, string grainId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} idle for {IdleTimeout}, stopping")]
    private static partial void LogIdle(ILogger logger, string grainId, TimeSpan idleTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId} exited on its own with code {ExitCode}; it restarts on the next request")]
    private static partial void LogCrashed(ILogger logger, string grainId, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId}: the new app version failed to start ({Reason}); rolled back to the previous version")]
    private static partial void LogRolledBack(ILogger logger, string grainId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId} failed to start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string grainId, string reason);
}

/// <summary>The grain's sandbox could not be started; the message says why (from the sandbox and the grain log).</summary>
[GenerateSerializer]
[Alias("Outpost.Cluster.GrainStartException")]
public sealed class GrainStartException(string message) : Exception(message);
