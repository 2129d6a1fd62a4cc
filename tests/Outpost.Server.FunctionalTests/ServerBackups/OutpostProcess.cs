using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>
/// The <c>outpost</c> command (built next to the tests) run as a child process, so a test can kill it with SIGKILL
/// mid-work as a crash or power cut would. Its output is collected, not shown; disposing kills what is left.
/// </summary>
internal sealed class OutpostProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private OutpostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What it printed so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static OutpostProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "outpost");
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new OutpostProcess(Process.Start(info)!);
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL, as kill -9: no clean-up code runs. Child processes (gocryptfs) are left, as after a crash.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "the killed process did not exit");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
