using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Outpost.Bridge;

/// <summary>The app the bridge starts: inherits stdio and environment, receives forwarded signals.</summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly PosixSignalRegistration[] _signals;

    private AppProcess(Process process)
    {
        _process = process;
        Exited = WaitForExitCodeAsync(process);

        // The bridge is the sandbox's first process, so stop requests reach it first; the app decides
        // how to shut down, and the bridge follows it out through Exited.
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Forward),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Forward),
        ];
    }

    /// <summary>Completes with the app's exit code (128 + signal number when a signal killed it).</summary>
    public Task<int> Exited { get; }

    public static AppProcess? TryStart(BridgeOptions options)
    {
        var info = new ProcessStartInfo(options.Command) { UseShellExecute = false };
        foreach (var argument in options.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(info);
            if (process is null)
            {
                Console.Error.WriteLine($"outpost-bridge: cannot start {options.Command}");
                return null;
            }

            return new AppProcess(process);
        }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"outpost-bridge: cannot start {options.Command}: {e.Message}");
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

    private void Forward(PosixSignalContext context)
    {
        // Cancel the runtime's default handling (which would end the bridge at once) and let the app
        // choose; the bridge ends when the app does.
        context.Cancel = true;
        var number = context.Signal switch
        {
            PosixSignal.SIGTERM => Libc.SIGTERM,
            PosixSignal.SIGINT => Libc.SIGINT,
            PosixSignal.SIGHUP => Libc.SIGHUP,
            _ => Libc.SIGQUIT,
        };
        _ = Libc.Kill(_process.Id, number);
    }
}
