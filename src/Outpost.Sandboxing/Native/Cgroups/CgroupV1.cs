using System.Diagnostics;
using System.Globalization;

namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>A sandbox's cgroups on the legacy (v1) hierarchies: one directory per controller.</summary>
internal sealed class CgroupV1 : SandboxCgroup
{
    private const int CfsPeriodMicroseconds = 100_000;

    private readonly string _memory;
    private readonly string _cpuacct;
    private readonly string? _freezer;

    private CgroupV1(IReadOnlyList<string> directories, string memory, string cpuacct, string? freezer)
        : base(directories)
    {
        _memory = memory;
        _cpuacct = cpuacct;
        _freezer = freezer;
    }

    public override string Version => "v1";

    /// <summary>True when the memory, pids, cpu and cpuacct hierarchies are mounted.</summary>
    public static bool IsAvailable(CgroupMounts mounts) =>
        new[] { "memory", "pids", "cpu", "cpuacct" }.All(mounts.V1Directories.ContainsKey);

    public static async Task<CgroupV1> CreateAsync(CgroupMounts mounts, string parent, string instance, SandboxLimits limits, CancellationToken ct)
    {
        string? Directory(string controller) =>
            mounts.V1Directories.TryGetValue(controller, out var own) ? Path.Combine(own, parent, instance) : null;

        var memory = Directory("memory")!;
        var pids = Directory("pids")!;
        var cpu = Directory("cpu")!;
        var cpuacct = Directory("cpuacct")!;

        // The freezer is optional: it makes killing race-free (see SignalAllAsync) but is not a limit.
        var freezer = Directory("freezer");
        var all = new[] { memory, pids, cpu, cpuacct, freezer }.OfType<string>().Distinct().ToList();
        var cgroup = new CgroupV1(all, memory, cpuacct, freezer);
        try
        {
            foreach (var directory in all)
            {
                await CreateFreshAsync(directory, ct);
            }

            var bytes = limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
            Write(memory, "memory.limit_in_bytes", bytes);

            // No swap: memory+swap gets the same limit, so a grain cannot page its excess out and slow
            // the whole machine. Without swap accounting (memsw files absent) swappiness 0 is the next best.
            if (File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes")))
            {
                Write(memory, "memory.memsw.limit_in_bytes", bytes);
            }
            else
            {
                Write(memory, "memory.swappiness", "0");
            }

            Write(pids, "pids.max", limits.MaxProcesses.ToString(CultureInfo.InvariantCulture));
            Write(cpu, "cpu.cfs_period_us", CfsPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
            Write(cpu, "cpu.cfs_quota_us", CpuQuota(limits.CpuCores).ToString(CultureInfo.InvariantCulture));
            return cgroup;
        }
        catch
        {
            await cgroup.RemoveAsync(TimeSpan.FromSeconds(1));
            throw;
        }
    }

    /// <summary>CFS quota per 100 ms period; the kernel's minimum is 1 ms.</summary>
    internal static long CpuQuota(double cores) => Math.Max(1000, (long)Math.Round(cores * CfsPeriodMicroseconds));

    public override SandboxUsage ReadUsage() => new()
    {
        MemoryBytes = ReadLong(_memory, "memory.usage_in_bytes"),
        CpuTime = TimeSpan.FromTicks(ReadLong(_cpuacct, "cpuacct.usage") / 100),
    };

    // "oom_kill N" exists since Linux 4.13; under_oom alone would miss a kill that already happened.
    public override long ReadOomKills() => ReadKey(_memory, "memory.oom_control", "oom_kill");

    protected override async Task<int> SignalAllAsync()
    {
        if (_freezer is null)
        {
            return await base.SignalAllAsync();
        }

        // Reading pids and then signalling them races with those processes exiting and the pids being
        // reused by someone else's process. Frozen tasks cannot exit, so the pids stay theirs until thawed;
        // the SIGKILLs are delivered at the thaw.
        try
        {
            Write(_freezer, "freezer.state", "FROZEN");
        }
        catch (IOException)
        {
            // Removed already (the sandbox is gone) or the freezer refuses: fall back to plain signalling.
            return await base.SignalAllAsync();
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            while (ReadState() == "FREEZING" && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(Interval);
            }

            return await base.SignalAllAsync();
        }
        finally
        {
            TryThaw();
        }
    }

    private string ReadState() => TryReadLines(Path.Combine(_freezer!, "freezer.state")).FirstOrDefault() ?? string.Empty;

    private void TryThaw()
    {
        try
        {
            Write(_freezer!, "freezer.state", "THAWED");
        }
        catch (IOException)
        {
            // The cgroup is gone already.
        }
    }
}
