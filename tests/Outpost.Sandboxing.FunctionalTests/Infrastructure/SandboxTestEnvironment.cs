using System.Net.Sockets;

namespace Outpost.Sandboxing.FunctionalTests.Infrastructure;

/// <summary>
/// One test's world: its own host directories, a real <see cref="NativeSandboxDriver"/>, the
/// sandboxes it started (stopped on dispose) and HTTP clients that reach them through the bridge.
/// </summary>
internal sealed class SandboxTestEnvironment : IAsyncDisposable
{
    /// <summary>Bound for every wait on a sandbox: generous for a loaded CI machine, finite so a hang fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public const int AppPort = 8000;

    private static int _nextHostUid = 200_000 + (Environment.ProcessId % 1000 * 100);

    private readonly List<ISandboxProcess> _started = [];

    public SandboxTestEnvironment()
    {
        Directory = TestDirectories.NewTestDirectory();
        StorageDir = Path.Combine(Directory, "storage");
        RuntimeDir = Path.Combine(Directory, "runtime");
        LogFile = Path.Combine(Directory, "logs", "grain.log");
        InstanceName = "t" + Guid.NewGuid().ToString("N")[..20];
        HostUid = IsRoot ? NextHostUid() : null;
        Driver = new NativeSandboxDriver(new NativeSandboxOptions());
    }

    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public string Directory { get; }

    public string StorageDir { get; }

    public string RuntimeDir { get; }

    public string LogFile { get; }

    public string InstanceName { get; }

    public int? HostUid { get; }

    public NativeSandboxDriver Driver { get; }

    /// <summary>A fresh unprivileged host uid (as a real Outpost gives each grain its own).</summary>
    public static int NextHostUid() => Interlocked.Increment(ref _nextHostUid);

    /// <summary>A spec running the hostile test app, with room for overrides.</summary>
    public SandboxSpec HostileSpec(params string[] extraArgs) => new()
    {
        InstanceName = InstanceName,
        PackageRoot = TestApps.HostileRoot,
        StorageDir = StorageDir,
        RuntimeDir = RuntimeDir,
        Command = "/app/hostile",
        Args = [AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArgs],
        Port = AppPort,
        LogFile = LogFile,
        HostUid = HostUid,
        StartTimeout = Timeout,
    };

    public async Task<ISandboxProcess> StartAsync(SandboxSpec spec)
    {
        var sandbox = await Driver.StartAsync(spec).WaitAsync(Timeout);
        _started.Add(sandbox);
        return sandbox;
    }

    public Task<ISandboxProcess> StartHostileAsync(SandboxLimits? limits = null) =>
        StartAsync(HostileSpec() with { Limits = limits ?? new SandboxLimits() });

    /// <summary>GETs a path through the sandbox's unix socket and returns the body.</summary>
    public static async Task<string> GetAsync(ISandboxProcess sandbox, string path)
    {
        using var client = CreateClient(sandbox);
        return await client.GetStringAsync(path).WaitAsync(Timeout);
    }

    /// <summary>An HttpClient whose every connection goes to the sandbox's socket.</summary>
    public static HttpClient CreateClient(ISandboxProcess sandbox)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(sandbox.SocketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://grain.sandbox/"), Timeout = Timeout };
    }

    public string ReadLog() => BoundedLog.ReadAll(LogFile);

    public async ValueTask DisposeAsync()
    {
        foreach (var sandbox in _started)
        {
            await sandbox.DisposeAsync();
        }

        TestDirectories.TryDelete(Directory);
    }
}
