using System.Globalization;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.FunctionalTests.Isolation;

/// <summary>The cgroup limits hold, and hitting them hurts only the sandbox that did.</summary>
public sealed class ResourceLimitTests
{
    private const long SmallMemory = 64L * 1024 * 1024;

    [Fact]
    public async Task ForkBomb_PastPidsLimit_StopsAndSandboxStaysControllable()
    {
        const int MaxProcesses = 48;
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync(new SandboxLimits { MaxProcesses = MaxProcesses });

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, "/forkbomb");

        // "forked N errno E": the bomb ran into the limit (EAGAIN) well before its own cap.
        var parts = answer.Split(' ');
        Assert.Equal("forked", parts[0]);
        Assert.InRange(int.Parse(parts[1], CultureInfo.InvariantCulture), 1, MaxProcesses);
        Assert.Equal(Errno.EAGAIN.ToString(CultureInfo.InvariantCulture), parts[3]);
        Assert.Equal("ok", await SandboxTestEnvironment.GetAsync(sandbox, "/ok"));
        using (var host = System.Diagnostics.Process.Start("true"))
        {
            // The host itself can still create processes.
            await host.WaitForExitAsync().WaitAsync(SandboxTestEnvironment.Timeout);
            Assert.Equal(0, host.ExitCode);
        }

        await sandbox.StopAsync().WaitAsync(SandboxTestEnvironment.Timeout);
        Assert.Equal(137, await sandbox.Exited.WaitAsync(SandboxTestEnvironment.Timeout));
    }

    [Fact]
    public async Task Allocate_PastMemoryLimitInChild_KillsTheChild()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync(new SandboxLimits { MemoryBytes = SmallMemory });

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, "/alloc/256");

        Assert.Equal("signal 9", answer);
        Assert.Equal("ok", await SandboxTestEnvironment.GetAsync(sandbox, "/ok"));
    }

    [Fact]
    public async Task Allocate_PastMemoryLimitInApp_EndsSandboxWithOutOfMemoryLine()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync(new SandboxLimits { MemoryBytes = SmallMemory });

        // The connection dies with the app, so the request itself fails.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => SandboxTestEnvironment.GetAsync(sandbox, "/alloc-self/256"));

        Assert.Equal(137, await sandbox.Exited.WaitAsync(SandboxTestEnvironment.Timeout));
        Assert.Contains("[outpost] app exited with code 137 (killed: out of memory)", env.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WithLimits_WritesThemToTheCgroup()
    {
        await using var env = new SandboxTestEnvironment();
        var limits = new SandboxLimits { MemoryBytes = 100L * 1024 * 1024, MaxProcesses = 77, CpuCores = 0.5 };
        var sandbox = (NativeSandboxProcess)await env.StartHostileAsync(limits);

        string[] files = ["memory.limit_in_bytes", "pids.max", "cpu.cfs_quota_us", "cpu.cfs_period_us", "memory.max", "cpu.max"];
        var values = sandbox.Cgroup!.Directories
            .SelectMany(d => files.Select(f => Path.Combine(d, f)))
            .Where(File.Exists)
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f).Trim());

        if (sandbox.Cgroup.Version == "v1")
        {
            Assert.Equal("104857600", values["memory.limit_in_bytes"]);
            Assert.Equal("77", values["pids.max"]);
            Assert.Equal("50000", values["cpu.cfs_quota_us"]);
            Assert.Equal("100000", values["cpu.cfs_period_us"]);
        }
        else
        {
            Assert.Equal("104857600", values["memory.max"]);
            Assert.Equal("77", values["pids.max"]);
            Assert.Equal("50000 100000", values["cpu.max"]);
        }
    }

    [Fact]
    public async Task GetUsage_RunningSandbox_ReportsMemoryAndCpuTime()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();
        await SandboxTestEnvironment.GetAsync(sandbox, "/alloc/16");

        var usage = sandbox.GetUsage();

        Assert.True(usage.MemoryBytes > 0, $"memory {usage.MemoryBytes}");
        Assert.True(usage.CpuTime > TimeSpan.Zero, $"cpu {usage.CpuTime}");
    }
}
