using System.Globalization;

namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>A sandbox's cgroup on the unified (v2) hierarchy.</summary>
internal sealed class CgroupV2 : SandboxCgroup
{
    private const int CpuPeriodMicroseconds = 100_000;
    private static readonly string[] Controllers = ["memory", "pids", "cpu"];

    private readonly string _directory;

    private CgroupV2(string directory)
        : base([directory])
    {
        _directory = directory;
    }

    public override string Version => "v2";

    /// <summary>True when the unified hierarchy offers memory, pids and cpu at the driver's own cgroup.</summary>
    public static bool IsAvailable(CgroupMounts mounts)
    {
        if (mounts.V2Directory is null)
        {
            return false;
        }

        var available = TryReadLines(Path.Combine(mounts.V2Directory, "cgroup.controllers")).FirstOrDefault()?.Split(' ') ?? [];
        return Controllers.All(available.Contains);
    }

    public static async Task<CgroupV2> CreateAsync(CgroupMounts mounts, string parent, string instance, SandboxLimits limits, CancellationToken ct)
    {
        var own = mounts.V2Directory!;
        var parentDirectory = Path.Combine(own, parent);
        var directory = Path.Combine(parentDirectory, instance);

        // Controllers must be enabled in each ancestor's subtree_control. This fails with EBUSY when the
        // driver's own cgroup holds processes and is not the root ("no internal processes"): run
        // Outpost in a cgroup of its own with the controllers delegated (see docs/sandbox.md).
        EnableControllers(own);
        Directory.CreateDirectory(parentDirectory);
        EnableControllers(parentDirectory);
        await CreateFreshAsync(directory, ct);

        var cgroup = new CgroupV2(directory);
        try
        {
            Write(directory, "memory.max", limits.MemoryBytes.ToString(CultureInfo.InvariantCulture));
            if (File.Exists(Path.Combine(directory, "memory.swap.max")))
            {
                Write(directory, "memory.swap.max", "0");
            }

            Write(directory, "pids.max", limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
            var quota = CgroupV1.CpuQuota(limits.CpuCores);
            Write(directory, "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{quota} {CpuPeriodMicroseconds}"));
            return cgroup;
        }
        catch
        {
            await cgroup.RemoveAsync(TimeSpan.FromSeconds(1));
            throw;
        }
    }

    public override SandboxUsage ReadUsage() => new()
    {
        MemoryBytes = ReadLong(_directory, "memory.current"),
        CpuTime = TimeSpan.FromMicroseconds(ReadKey(_directory, "cpu.stat", "usage_usec")),
    };

    public override long ReadOomKills() => ReadKey(_directory, "memory.events", "oom_kill");

    protected override Task<int> SignalAllAsync()
    {
        // cgroup.kill (Linux 5.14+) kills every member atomically, with no pid-reuse race.
        var kill = Path.Combine(_directory, "cgroup.kill");
        if (File.Exists(kill))
        {
            try
            {
                File.WriteAllText(kill, "1");
            }
            catch (IOException)
            {
                // Removed meanwhile; the base pass below finds nothing.
            }
        }

        return base.SignalAllAsync();
    }

    private static void EnableControllers(string directory)
    {
        var path = Path.Combine(directory, "cgroup.subtree_control");
        var enabled = TryReadLines(path).FirstOrDefault()?.Split(' ') ?? [];
        var missing = Controllers.Where(c => !enabled.Contains(c)).Select(c => "+" + c).ToList();
        if (missing.Count > 0)
        {
            File.WriteAllText(path, string.Join(' ', missing));
        }
    }
}
