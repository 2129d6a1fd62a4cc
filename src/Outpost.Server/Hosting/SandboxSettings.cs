namespace Outpost.Server.Hosting;

/// <summary>Limits and identities for grain sandboxes. Bound from <c>Outpost:Sandbox</c>.</summary>
public sealed class SandboxSettings
{
    /// <summary>Memory limit per grain, in MiB (no swap). Default 512.</summary>
    public int MemoryMiB { get; set; } = 512;

    /// <summary>
    /// The most memory per grain an app may ask for with the manifest's <c>memoryMiB</c>, in MiB; an app asking for
    /// more gets this. Default 2048.
    /// </summary>
    public int MaxMemoryMiB { get; set; } = 2048;

    /// <summary>Maximum number of processes and threads per grain. Default 256.</summary>
    public int MaxProcesses { get; set; } = 256;

    /// <summary>CPU share per grain, in cores. Default 1.</summary>
    public double CpuCores { get; set; } = 1.0;

    /// <summary>Grain log size before it is rotated, in KiB. Default 1024.</summary>
    public int LogKiB { get; set; } = 1024;

    /// <summary>How long an app may take to start listening on its port. Default 30 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When Outpost runs as root each grain runs as its own unprivileged host user, uid <c>UidBase + grain number</c>,
    /// so even a sandbox escape lands in a user that owns nothing but that grain's storage. Default 200000.
    /// </summary>
    public int UidBase { get; set; } = 200_000;

    /// <summary>Path of the bubblewrap binary. Default <c>bwrap</c> from PATH.</summary>
    public string BwrapPath { get; set; } = "bwrap";
}
