namespace Outpost.Sandboxing;

/// <summary>Starts grains' apps in sandboxes.</summary>
public interface ISandboxDriver
{
    /// <summary>
    /// Starts the sandbox and returns once the app accepts connections.
    /// Throws <see cref="SandboxStartException"/> (reason plus the log's last lines) when it does not.
    /// </summary>
    Task<ISandboxProcess> StartAsync(SandboxSpec spec, CancellationToken ct = default);
}
