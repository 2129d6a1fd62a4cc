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

    private ServerProcess(Process process, StringBuilder output, Uri baseUrl, string token)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        Port = baseUrl.Port;
        Token = token;
        Api = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl { get; }

    public int Port { get; }

    public string Token { get; }

    /// <summary>An API client authenticated with the admin token.</summary>
    public HttpClient Api { get; }

    public bool HasExited => _process.HasExited;

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
    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "outpost.dll");
        Assert.True(File.Exists(cli), $"the outpost CLI is not built beside the tests: {cli}");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli, "serve", "--data", dataDir, "--listen", "http://127.0.0.1:0" })
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
        process.OutputDataReceived += (_, e) => Collect(e.Data, output, ready);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, output, ready);
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

            Assert.Fail($"outpost serve {(running ? "did not become ready" : $"exited with {process.ExitCode}")}:\n{Text(output)}");
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

    // "Outpost is running. Open http://localhost:PORT" says the server listens (the address is the bound one).
    private static void Collect(string? line, StringBuilder output, TaskCompletionSource<Uri> ready)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        const string Marker = "Outpost is running. Open ";
        if (line.StartsWith(Marker, StringComparison.Ordinal))
        {
            ready.TrySetResult(new Uri(line[Marker.Length..].Trim().Replace("localhost", "127.0.0.1", StringComparison.Ordinal)));
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
