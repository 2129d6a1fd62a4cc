using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// The real <c>outpost serve</c> (the CLI built beside the tests) in a child process on a data directory the caller
/// keeps, so a test can kill it with SIGKILL, as a crash or the out-of-memory killer would, and start it again on the
/// same data. <see cref="OutpostHost"/> is the in-process server for everything else.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private ServerProcess(Process process, StringBuilder output, Uri announced, string token)
    {
        _process = process;
        _output = output;
        AnnouncedUrl = announced;
        BaseUrl = new Uri($"http://127.0.0.1:{announced.Port}/");
        Port = announced.Port;
        Token = token;
        Api = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl { get; }

    /// <summary>The address the command printed when ready: the server's, or with <c>outpost dev</c> the grain's link.</summary>
    public Uri AnnouncedUrl { get; }

    public int Port { get; }

    public string Token { get; }

    /// <summary>An API client authenticated with the admin token.</summary>
    public HttpClient Api { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What the server wrote to stdout and stderr so far, for failure messages.</summary>
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

    /// <summary>
    /// Starts <c>outpost serve</c> on <paramref name="dataDir"/> on a free loopback port and waits until it serves;
    /// <paramref name="environment"/> adds settings (<c>OUTPOST__SECTION__KEY</c>).
    /// </summary>
    public static Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string>? environment = null) =>
        LaunchAsync(["serve", "--data", dataDir, "--listen", "http://127.0.0.1:0"], dataDir, "Outpost is running. Open ", environment);

    /// <summary>Starts <c>outpost dev</c> on the app folder <paramref name="appDir"/>; ready once it prints the grain's link (<see cref="AnnouncedUrl"/>).</summary>
    public static Task<ServerProcess> StartDevAsync(string appDir, string dataDir) =>
        LaunchAsync(["dev", appDir, "--data", dataDir, "--listen", "http://127.0.0.1:0"], dataDir, "Open the grain: ", environment: null);

    private static async Task<ServerProcess> LaunchAsync(string[] args, string dataDir, string readyMarker, IReadOnlyDictionary<string, string>? environment)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "outpost.dll");
        Assert.True(File.Exists(cli), $"the outpost CLI is not built beside the tests: {cli}");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + cli);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Collect(e.Data, output, readyMarker, ready);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, output, readyMarker, ready);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(ReadyTimeout)) != ready.Task)
        {
            var running = !process.HasExited;
            if (running)
            {
                process.Kill(entireProcessTree: true);
            }

            Assert.Fail($"outpost {args[0]} {(running ? "did not become ready" : $"exited with {process.ExitCode}")}:\n{Text(output)}");
        }

        var token = await AdminToken.EnsureAsync(new DataPaths(dataDir), TimeProvider.System);
        return new ServerProcess(process, output, await ready.Task, token);
    }

    /// <summary>SIGKILL, the server process alone: what it started (storage mounts, sandboxes) is left as a crash leaves it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for the graceful shutdown.</summary>
    public async Task StopAsync()
    {
        if (!await TryStopAsync())
        {
            Assert.Fail($"outpost serve did not stop within {StopTimeout.TotalSeconds:F0} s of SIGTERM:\n{Output}");
        }
    }

    /// <summary>A browser-like client for the server's sessions.</summary>
    public BrowserClient Browser() => new(Port);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await TryStopAsync();
        _process.Dispose();
    }

    // A graceful stop unmounts the grains' storage; a server that does not stop is killed with everything it started.
    private async Task<bool> TryStopAsync()
    {
        if (_process.HasExited)
        {
            return true;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return false;
        }
    }

    // The line that says the server listens ("Outpost is running. Open http://localhost:PORT", the bound address).
    private static void Collect(string? line, StringBuilder output, string readyMarker, TaskCompletionSource<Uri> ready)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        var at = line.IndexOf(readyMarker, StringComparison.Ordinal);
        if (at >= 0)
        {
            ready.TrySetResult(new Uri(line[(at + readyMarker.Length)..].Trim()));
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
