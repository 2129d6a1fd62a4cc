namespace Outpost.Sandboxing;

/// <summary>Settings of the native (bubblewrap) sandbox driver, bound from <c>Outpost:Sandbox</c>.</summary>
public sealed record NativeSandboxOptions
{
    /// <summary>The in-sandbox HTTP bridge executable. Default: <c>outpost-bridge</c> next to the application's assemblies.</summary>
    public string BridgePath { get; init; } = Path.Combine(AppContext.BaseDirectory, "outpost-bridge");

    /// <summary>The bubblewrap executable, a path or a name looked up on PATH. Default <c>bwrap</c>.</summary>
    public string BwrapPath { get; init; } = "bwrap";

    /// <summary>Name of the cgroup, below Outpost's own, that holds one cgroup per sandbox. Default <c>outpost</c>.</summary>
    public string CgroupName { get; init; } = "outpost";

    /// <summary>Refuse to start a sandbox whose memory, pids and CPU limits cannot be put in place. Default true.</summary>
    public bool RequireResourceLimits { get; init; } = true;
}
