namespace Outpost.Sandboxing;

/// <summary>Resource usage of a running sandbox, read from its cgroups.</summary>
public sealed record SandboxUsage
{
    /// <summary>Memory currently charged to the sandbox (including page cache and tmpfs).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>CPU time used by all the sandbox's processes since it started.</summary>
    public TimeSpan CpuTime { get; init; }
}
