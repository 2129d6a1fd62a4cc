namespace Outpost.Sandboxing;

/// <summary>Resource limits applied to one sandbox through its cgroups.</summary>
public sealed record SandboxLimits
{
    /// <summary>Memory the sandbox may use, including tmpfs files and page cache, with no swap. Default 512 MiB.</summary>
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Processes and threads the sandbox may have at once (stops fork bombs). Default 256.</summary>
    public int MaxProcesses { get; init; } = 256;

    /// <summary>CPU time per wall-clock second, in cores (0.5 = half a core). Default 1.0.</summary>
    public double CpuCores { get; init; } = 1.0;
}
