using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Sandboxing.Native;
using Outpost.Sandboxing.Native.Cgroups;
using Outpost.Sandboxing.Native.Seccomp;

namespace Outpost.Sandboxing;

/// <summary>Runs unmodified Linux apps in bubblewrap sandboxes with a seccomp allow-list and cgroup limits.</summary>
public sealed class NativeSandboxDriver : ISandboxDriver
{
    private const int LogTailLines = 20;

    private readonly NativeSandboxOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<(string Bwrap, BridgeRuntime Bridge)> _tools;

    /// <summary>Creates the driver; tools are located on first start, so a misconfiguration surfaces as a start failure.</summary>
    public NativeSandboxDriver(NativeSandboxOptions options, ILogger<NativeSandboxDriver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        SpecValidator.ValidateCgroupName(options.CgroupName);
        _options = options;
        _logger = logger ?? NullLogger<NativeSandboxDriver>.Instance;
        // PublicationOnly: a failure (bridge not built yet) is retried on the next start, not cached.
        _tools = new Lazy<(string, BridgeRuntime)>(LocateTools, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <inheritdoc />
    public async Task<ISandboxProcess> StartAsync(SandboxSpec spec, CancellationToken ct = default)
    {
        SpecValidator.Validate(spec);
        var started = Stopwatch.GetTimestamp();
        var tools = Guard(spec, () => _tools.Value, "sandbox tools unavailable");

        Guard(spec, () => SandboxDirectories.PrepareStorage(spec.StorageDir, spec.HostUid), "cannot prepare the storage directory");
        Guard(spec, () => SandboxDirectories.PrepareRuntime(spec.RuntimeDir, spec.HostUid), "cannot prepare the runtime directory");
        var log = Guard(spec, () => new BoundedLog(spec.LogFile, spec.MaxLogBytes, spec.LogKey), "cannot open the grain log");
        log.AppendLine($"[outpost] starting sandbox {spec.InstanceName}: {spec.Command}");
        if (spec.HostUid is null && Environment.IsPrivilegedProcess)
        {
            _logger.RunningAsRoot(spec.InstanceName);
        }

        var cgroup = await CreateCgroupAsync(spec, log, ct);
        Process launcher;
        try
        {
            launcher = await SandboxLauncher.StartAsync(spec, tools.Bwrap, tools.Bridge, cgroup);
        }
        catch (Exception e)
        {
            if (cgroup is not null)
            {
                await cgroup.RemoveAsync(TimeSpan.FromSeconds(1));
            }

            if (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                throw StartFailed(spec, log, $"cannot launch the sandbox: {e.Message}", e);
            }

            throw;
        }

        var sandbox = new NativeSandboxProcess(launcher, cgroup, log, Path.Combine(spec.RuntimeDir, NativeSandbox.SocketName), spec.InstanceName, _logger);
        try
        {
            await WaitUntilReadyAsync(spec, sandbox, log, ct);
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        log.AppendLine($"[outpost] sandbox started in {elapsed} ms");
        _logger.SandboxStarted(spec.InstanceName, elapsed, cgroup?.Version ?? "none");
        return sandbox;
    }

    private async Task<SandboxCgroup?> CreateCgroupAsync(SandboxSpec spec, BoundedLog log, CancellationToken ct)
    {
        try
        {
            return await CgroupFactory.CreateAsync(_options.CgroupName, spec.InstanceName, spec.Limits, ct);
        }
        catch (CgroupUnavailableException e) when (!_options.RequireResourceLimits)
        {
            log.AppendLine($"[outpost] WARNING: no resource limits: {e.Message}");
            _logger.ResourceLimitsUnavailable(spec.InstanceName, e.Message);
            return null;
        }
        catch (CgroupUnavailableException e)
        {
            throw StartFailed(spec, log, e.Message + " (resource limits are required)", e);
        }
    }

    private async Task WaitUntilReadyAsync(SandboxSpec spec, NativeSandboxProcess sandbox, BoundedLog log, CancellationToken ct)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waiting.CancelAfter(spec.StartTimeout);
        var ready = SocketWaiter.WaitAsync(sandbox.SocketPath, waiting.Token);
        try
        {
            if (await Task.WhenAny(ready, sandbox.Exited) == sandbox.Exited)
            {
                throw StartFailed(spec, log, $"the sandbox exited with code {await sandbox.Exited} before the app accepted connections on port {spec.Port}");
            }

            await ready;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw StartFailed(spec, log, $"the app did not accept connections on port {spec.Port} within {spec.StartTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            // Ends the waiter (and its watcher) in every case, including when the sandbox exited first.
            await waiting.CancelAsync();
        }
    }

    private (string, BridgeRuntime) LocateTools()
    {
        var unknown = SeccompFilter.UnknownSyscalls();
        if (unknown.Count > 0)
        {
            _logger.UnknownSyscalls(string.Join(", ", unknown));
        }

        // Compile the filter now so that a missing libseccomp fails here, with the other tools.
        _ = SeccompFilter.Program;
        return (ExecutableResolver.Resolve(_options.BwrapPath), BridgeRuntime.Resolve(_options.BridgePath));
    }

    /// <summary>Runs a setup step, turning the host-side failures it can meet into a <see cref="SandboxStartException"/>.</summary>
    private T Guard<T>(SandboxSpec spec, Func<T> action, string what)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw StartFailed(spec, null, $"{what}: {e.Message}", e);
        }
    }

    private void Guard(SandboxSpec spec, Action action, string what) =>
        Guard<bool>(spec, () =>
        {
            action();
            return true;
        }, what);

    private SandboxStartException StartFailed(SandboxSpec spec, BoundedLog? log, string reason, Exception? inner = null)
    {
        log?.AppendLine("[outpost] " + reason);
        _logger.SandboxStartFailed(spec.InstanceName, reason);
        var message = $"Sandbox {spec.InstanceName} failed to start: {reason}\n--- last lines of {spec.LogFile} ---\n{BoundedLog.Tail(spec.LogFile, LogTailLines, spec.LogKey)}";
        return inner is null ? new SandboxStartException(message) : new SandboxStartException(message, inner);
    }
}
