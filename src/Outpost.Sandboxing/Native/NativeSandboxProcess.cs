using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Outpost.Sandboxing.Native.Cgroups;

namespace Outpost.Sandboxing.Native;

/// <summary>A running bubblewrap sandbox: its launcher process, its cgroup and its log.</summary>
internal sealed class NativeSandboxProcess : ISandboxProcess
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly BoundedLog _log;
    private readonly ILogger _logger;
    private readonly string _instance;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _output;
    private int _stopRequested;

    public NativeSandboxProcess(Process process, SandboxCgroup? cgroup, BoundedLog log, string socketPath, string instance, ILogger logger)
    {
        _process = process;
        Cgroup = cgroup;
        _log = log;
        _instance = instance;
        _logger = logger;
        SocketPath = socketPath;
        _output = Task.WhenAll(
            PumpAsync(process.StandardOutput.BaseStream, log),
            PumpAsync(process.StandardError.BaseStream, log));
        _ = MonitorAsync();
    }

    public string SocketPath { get; }

    public Task<int> Exited => _exited.Task;

    /// <summary>The sandbox's cgroup, or null when it runs without resource limits.</summary>
    internal SandboxCgroup? Cgroup { get; }

    public async Task StopAsync(CancellationToken ct = default)
    {
        // A sandbox that already ended on its own is not "stopped"; its exit line says what happened.
        if (!_exited.Task.IsCompleted && Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            await KillEverythingAsync();
        }

        await _exited.Task.WaitAsync(ct);
    }

    public SandboxUsage GetUsage() =>
        _exited.Task.IsCompleted || Cgroup is null ? new SandboxUsage() : Cgroup.ReadUsage();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task MonitorAsync()
    {
        await _process.WaitForExitAsync();
        var code = _process.ExitCode;
        try
        {
            // Read before the cgroup is removed: it is the only witness of an OOM kill.
            var oomKills = Cgroup?.ReadOomKills() ?? 0;

            // bwrap is gone; whatever it left (nothing, normally: its pid namespace died with it) goes too.
            await KillEverythingAsync();
            if (Cgroup is not null && !await Cgroup.RemoveAsync(KillTimeout))
            {
                _logger.CgroupNotRemoved(_instance, string.Join(", ", Cgroup.Directories));
            }

            // Every writer is dead, so the pipes reach end-of-file; the bound guards against the unforeseen.
            await Task.WhenAny(_output, Task.Delay(OutputDrainTimeout));

            var message = ExitMessage(code, oomKills, stopped: Volatile.Read(ref _stopRequested) == 1);
            _logger.SandboxExited(_instance, code, message);
            _log.AppendLine("[outpost] " + message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The log or a cgroup file vanished under us: Exited must complete regardless.
            _logger.SandboxExited(_instance, code, e.Message);
        }
        finally
        {
            _exited.TrySetResult(code);
        }
    }

    internal static string ExitMessage(int code, long oomKills, bool stopped)
    {
        if (stopped)
        {
            return $"sandbox stopped (exit code {code})";
        }

        if (code == SandboxLauncher.LauncherFailed)
        {
            return $"sandbox could not be set up (exit code {code})";
        }

        var reason = oomKills > 0 ? " (killed: out of memory)"
            : code is > 128 and <= 128 + 64 ? $" (killed by signal {code - 128})"
            : string.Empty;
        return $"app exited with code {code}{reason}";
    }

    private async Task KillEverythingAsync()
    {
        if (Cgroup is not null && await Cgroup.KillAllAsync(KillTimeout))
        {
            return;
        }

        // No cgroup (limits not required and unavailable): killing bwrap kills its pid namespace's
        // init through --die-with-parent, and with it every process of the sandbox.
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task PumpAsync(Stream output, BoundedLog log)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await output.ReadAsync(buffer)) > 0)
            {
                log.Append(buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
            // The pipe broke: the sandbox is gone.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
