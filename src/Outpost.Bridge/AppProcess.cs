using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Outpost.Bridge;

/// <summary>The app the bridge starts: inherits stdio and environment, receives forwarded signals.</summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly PosixSignalRegistration[] _signals;

    private AppProcess(Process process, PosixSignalRegistration[] signals)
    {
        _process = process;
        _signals = signals;
        Exited = WaitForExitCodeAsync(process);
    }

    /// <summary>Completes with the app's exit code (128 + signal number when a signal killed it).</summary>
    public Task<int> Exited { get; }

    public static AppProcess? TryStart(BridgeOptions options)
    {
        var info = new ProcessStartInfo(options.Command) { UseShellExecute = false };

        // Set by the sandbox for the bridge's own sockets; the app (which may be a .NET program) must not inherit it.
        info.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        foreach (var argument in options.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Handlers go in before the app starts, so no stop request can fall between its start and
        // their registration and end the bridge without the app hearing of it.
        var forwarder = new SignalForwarder();
        PosixSignalRegistration[] signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, forwarder.Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, forwarder.Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, forwarder.Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, forwarder.Forward),
        ];

        try
        {
            var process = Process.Start(info) ?? throw new Win32Exception($"cannot start {options.Command}");
            forwarder.Attach(process.Id);
            return new AppProcess(process, signals);
        }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"outpost-bridge: cannot start {options.Command}: {e.Message}");
            foreach (var registration in signals)
            {
                registration.Dispose();
            }

            return null;
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        foreach (var registration in _signals)
        {
            registration.Dispose();
        }

        _process.Dispose();
    }

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Passes stop signals on to the app; one that arrives before the app exists is passed on once it does.</summary>
    private sealed class SignalForwarder
    {
        private readonly Lock _gate = new();
        private int _pid;
        private int _pending;

        public void Attach(int pid)
        {
            lock (_gate)
            {
                _pid = pid;
                if (_pending != 0)
                {
                    _ = Libc.Kill(pid, _pending);
                }
            }
        }

        public void Forward(PosixSignalContext context)
        {
            // Cancel the runtime's default handling (which would end the bridge at once) and let the
            // app choose how to stop; the bridge follows it out through Exited.
            context.Cancel = true;
            var number = context.Signal switch
            {
                PosixSignal.SIGTERM => Libc.SIGTERM,
                PosixSignal.SIGINT => Libc.SIGINT,
                PosixSignal.SIGHUP => Libc.SIGHUP,
                _ => Libc.SIGQUIT,
            };
            lock (_gate)
            {
                if (_pid == 0)
                {
                    _pending = number;
                }
                else
                {
                    _ = Libc.Kill(_pid, number);
                }
            }
        }
    }
}
