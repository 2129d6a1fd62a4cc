namespace Outpost.Sandboxing;

/// <summary>A running sandbox. Disposing it stops it.</summary>
public interface ISandboxProcess : IAsyncDisposable
{
    /// <summary>Host path of a unix socket that reaches the app's HTTP port.</summary>
    string SocketPath { get; }

    /// <summary>Completes with the exit code when the sandbox ends for any reason (crash, kill, stop).</summary>
    Task<int> Exited { get; }

    /// <summary>Kills everything inside the sandbox and removes its cgroups. Idempotent.</summary>
    Task StopAsync(CancellationToken ct = default);

    /// <summary>Current memory and CPU time used, from the cgroups; zero once the sandbox has ended.</summary>
    SandboxUsage GetUsage();
}
