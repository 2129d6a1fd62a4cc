using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.FunctionalTests.Lifecycle;

/// <summary>Starting, ending and stopping sandboxes, and what the log says about it.</summary>
public sealed class SandboxLifecycleTests
{
    [Fact]
    public async Task Exited_AppExitsWithCode_CompletesWithItAndLogsTheLine()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        await SandboxTestEnvironment.GetAsync(sandbox, "/exit/3");

        Assert.Equal(3, await sandbox.Exited.WaitAsync(SandboxTestEnvironment.Timeout));
        var log = env.ReadLog();
        Assert.Contains("hostile: exiting with 3", log, StringComparison.Ordinal);
        Assert.Contains("[outpost] app exited with code 3", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_RunningSandbox_KillsEverythingAndRemovesCgroup()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = (NativeSandboxProcess)await env.StartHostileAsync();
        var directories = sandbox.Cgroup!.Directories;
        var pids = sandbox.Cgroup.ReadProcesses();

        await sandbox.StopAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.True(sandbox.Exited.IsCompleted);
        Assert.All(directories, d => Assert.False(Directory.Exists(d), d));
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"pid {pid}"));
        Assert.Contains("[outpost] sandbox stopped", env.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_CalledTwice_IsIdempotent()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        await sandbox.StopAsync().WaitAsync(SandboxTestEnvironment.Timeout);
        await sandbox.StopAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.Equal(new SandboxUsage(), sandbox.GetUsage());
    }

    [Fact]
    public async Task StartAsync_AppNeverListens_ThrowsWithLogTail()
    {
        await using var env = new SandboxTestEnvironment();
        var spec = env.HostileSpec("--no-listen") with { StartTimeout = TimeSpan.FromSeconds(1) };

        var error = await Assert.ThrowsAsync<SandboxStartException>(() => env.Driver.StartAsync(spec).WaitAsync(SandboxTestEnvironment.Timeout));

        Assert.Contains("did not accept connections on port 8000", error.Message, StringComparison.Ordinal);
        Assert.Contains("hostile: not listening", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(env.RuntimeDir), p => p.EndsWith(".sock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_AppExitsBeforeListening_ThrowsWithExitCode()
    {
        await using var env = new SandboxTestEnvironment();

        var error = await Assert.ThrowsAsync<SandboxStartException>(
            () => env.Driver.StartAsync(env.HostileSpec("--exit", "7")).WaitAsync(SandboxTestEnvironment.Timeout));

        Assert.Contains("exited with code 7", error.Message, StringComparison.Ordinal);
        Assert.Contains("hostile: exiting at once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_StaleSocketInRuntimeDir_IsNotTakenForReadiness()
    {
        await using var env = new SandboxTestEnvironment();
        Directory.CreateDirectory(env.RuntimeDir);
        await File.WriteAllTextAsync(Path.Combine(env.RuntimeDir, "http.sock"), "left over by a crash");
        var spec = env.HostileSpec("--no-listen") with { StartTimeout = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAsync<SandboxStartException>(() => env.Driver.StartAsync(spec).WaitAsync(SandboxTestEnvironment.Timeout));
    }

    [Fact]
    public async Task StartAsync_BridgeMissing_ThrowsSandboxStartException()
    {
        await using var env = new SandboxTestEnvironment();
        var driver = new NativeSandboxDriver(new NativeSandboxOptions { BridgePath = Path.Combine(env.Directory, "no-bridge") });

        var error = await Assert.ThrowsAsync<SandboxStartException>(() => driver.StartAsync(env.HostileSpec()));

        Assert.Contains("bridge was not found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("../escape")]
    [InlineData("")]
    public async Task StartAsync_InvalidInstanceName_ThrowsArgumentException(string name)
    {
        await using var env = new SandboxTestEnvironment();

        await Assert.ThrowsAsync<ArgumentException>(() => env.Driver.StartAsync(env.HostileSpec() with { InstanceName = name }));
    }

    [Fact]
    public async Task StartAsync_RootAsHostUid_ThrowsArgumentException()
    {
        await using var env = new SandboxTestEnvironment();

        await Assert.ThrowsAsync<ArgumentException>(() => env.Driver.StartAsync(env.HostileSpec() with { HostUid = 0 }));
    }

    [Fact]
    public async Task Log_ChattyApp_StaysBounded()
    {
        const long MaxLogBytes = 64 * 1024;
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartAsync(env.HostileSpec() with { MaxLogBytes = MaxLogBytes });

        await SandboxTestEnvironment.GetAsync(sandbox, "/spam/2048");
        await sandbox.StopAsync().WaitAsync(SandboxTestEnvironment.Timeout);

        Assert.InRange(new FileInfo(env.LogFile).Length, 1, MaxLogBytes);
        Assert.InRange(new FileInfo(env.LogFile + ".1").Length, 1, MaxLogBytes);
        Assert.False(File.Exists(env.LogFile + ".2"));
        Assert.EndsWith("[outpost] sandbox stopped (exit code 137)\n", env.ReadLog(), StringComparison.Ordinal);
    }

    private static bool IsAlive(int pid)
    {
        // A pid that is gone, or reused by a process outside the (removed) cgroup, is not the sandbox's.
        try
        {
            return File.ReadAllText($"/proc/{pid}/cgroup").Contains("/outpost/", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
