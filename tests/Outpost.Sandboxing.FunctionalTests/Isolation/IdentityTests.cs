using System.Globalization;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.FunctionalTests.Isolation;

/// <summary>Who the app is: uid 1000 with no capabilities inside, the grain's own unprivileged uid outside.</summary>
public sealed class IdentityTests
{
    [Fact]
    public async Task ProcSelfStatus_InsideSandbox_ShowsUid1000AndNoCapabilities()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        var status = Fields(await SandboxTestEnvironment.GetAsync(sandbox, "/status"));

        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("1000\t1000\t1000\t1000", status["Gid"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Equal("0000000000000000", status["CapBnd"]);
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal("2", status["Seccomp"]);
    }

    [Fact]
    public async Task SandboxProcesses_OnHost_RunAsTheGrainsHostUid()
    {
        if (!SandboxTestEnvironment.IsRoot)
        {
            return;
        }

        await using var env = new SandboxTestEnvironment();
        var sandbox = (NativeSandboxProcess)await env.StartHostileAsync();

        var pids = sandbox.Cgroup!.ReadProcesses();
        var hostUids = pids.Select(pid => Fields(File.ReadAllText($"/proc/{pid}/status"))["Uid"]).Distinct().ToList();

        Assert.True(pids.Count >= 3, "bwrap, its init, the bridge and the app are all in the cgroup");
        var uid = env.HostUid!.Value.ToString(CultureInfo.InvariantCulture);
        Assert.Equal([$"{uid}\t{uid}\t{uid}\t{uid}"], hostUids);
    }

    [Fact]
    public async Task ProcSelfStatus_WithoutHostUid_StillUid1000WithoutCapabilities()
    {
        // The path an unprivileged Outpost takes: no setpriv, bwrap as the current user.
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartAsync(env.HostileSpec() with { HostUid = null });

        var status = Fields(await SandboxTestEnvironment.GetAsync(sandbox, "/status"));

        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("2", status["Seccomp"]);
    }

    [Fact]
    public async Task Hostname_InsideSandbox_IsTheInstanceName()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal("ok " + env.InstanceName, await SandboxTestEnvironment.GetAsync(sandbox, "/hostname"));
    }

    private static Dictionary<string, string> Fields(string status) =>
        status.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Replace("ok ", string.Empty, StringComparison.Ordinal), parts => parts[1].Trim());
}
