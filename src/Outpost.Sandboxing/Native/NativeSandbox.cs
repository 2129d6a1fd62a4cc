namespace Outpost.Sandboxing;

/// <summary>Facts about the native sandbox that other parts of Outpost depend on.</summary>
public static class NativeSandbox
{
    /// <summary>Where the grain's storage appears inside the sandbox (also HOME).</summary>
    internal const string StoragePath = "/var";

    /// <summary>Where <see cref="SandboxSpec.RuntimeDir"/> appears inside the sandbox.</summary>
    internal const string RuntimePath = "/run/outpost";

    /// <summary>Where the bridge, the host's loader and the libraries the bridge needs appear.</summary>
    internal const string BridgeDirectory = "/run/outpost-bridge";

    /// <summary>Name of the bridge's unix socket in the runtime directory.</summary>
    internal const string SocketName = "http.sock";

    /// <summary>
    /// Directories every package root must contain, because the sandbox mounts over them and the
    /// read-only root leaves nowhere to create them (the package extractor creates them at install).
    /// </summary>
    public static IReadOnlyList<string> MountPoints { get; } =
        ["/dev", "/proc", "/tmp", StoragePath, "/run", RuntimePath, BridgeDirectory];
}
