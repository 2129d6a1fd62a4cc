using System.Diagnostics;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Isolation;

/// <summary>What the sandbox can see and change of the host's filesystem: only its package (read-only) and its storage.</summary>
public sealed class FilesystemIsolationTests
{
    [Fact]
    public async Task Read_AnotherGrainsStorage_Fails()
    {
        await using var env = new SandboxTestEnvironment();
        var otherStorage = Path.Combine(TestDirectories.NewTestDirectory(), "storage");
        Directory.CreateDirectory(otherStorage);
        await File.WriteAllTextAsync(Path.Combine(otherStorage, "secret.txt"), "another grain's secret");
        var sandbox = await env.StartHostileAsync();

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, "/read" + otherStorage + "/secret.txt");

        Assert.Equal(Errno.Failed(Errno.ENOENT), answer);
    }

    [Fact]
    public async Task Read_HostShadowFile_Fails()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ENOENT), await SandboxTestEnvironment.GetAsync(sandbox, "/read/etc/shadow"));
    }

    [Fact]
    public async Task Read_HostRootHome_Fails()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ENOENT), await SandboxTestEnvironment.GetAsync(sandbox, "/read/root"));
    }

    [Fact]
    public async Task Read_TestsOwnDirectory_Fails()
    {
        await using var env = new SandboxTestEnvironment();
        var marker = Path.Combine(env.Directory, "marker.txt");
        await File.WriteAllTextAsync(marker, "host only");
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ENOENT), await SandboxTestEnvironment.GetAsync(sandbox, "/read" + marker));
    }

    [Fact]
    public async Task Read_HostRootThroughProcOfPid1_Fails()
    {
        // Pid 1 of the sandbox's pid namespace is bwrap's init, whose root is the sandbox's root.
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ENOENT), await SandboxTestEnvironment.GetAsync(sandbox, "/read/proc/1/root/etc/shadow"));
    }

    [Fact]
    public async Task Read_SeccompProgramDescriptor_IsNotInheritedByTheApp()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.ENOENT), await SandboxTestEnvironment.GetAsync(sandbox, "/read/proc/self/fdinfo/9"));
    }

    [Fact]
    public async Task Write_RootDirectory_FailsReadOnly()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.EROFS), await SandboxTestEnvironment.GetAsync(sandbox, "/write/planted"));
    }

    [Fact]
    public async Task Write_AppDirectory_FailsReadOnly()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.Equal(Errno.Failed(Errno.EROFS), await SandboxTestEnvironment.GetAsync(sandbox, "/write/app/hostile"));
    }

    [Fact]
    public async Task Write_Var_PersistsAcrossRestarts()
    {
        await using var env = new SandboxTestEnvironment();
        var first = await env.StartHostileAsync();
        Assert.StartsWith("ok", await SandboxTestEnvironment.GetAsync(first, "/write/var/data.txt"), StringComparison.Ordinal);
        await first.StopAsync();

        var second = await env.StartHostileAsync();

        Assert.Equal("ok written by the sandbox", await SandboxTestEnvironment.GetAsync(second, "/read/var/data.txt"));
    }

    [Fact]
    public async Task StartAsync_AsRoot_MakesStoragePrivateToTheGrainsHostUid()
    {
        if (!SandboxTestEnvironment.IsRoot)
        {
            return;
        }

        await using var env = new SandboxTestEnvironment();
        await env.StartHostileAsync();
        var secret = Path.Combine(env.StorageDir, "secret.txt");
        await File.WriteAllTextAsync(secret, "grain secret");

        // On the host, another grain's uid (what a sandbox that escaped its namespaces would be) is refused,
        // while the grain's own uid owns the directory.
        var otherGrainReads = await RunAsUidAsync(SandboxTestEnvironment.NextHostUid(), "cat", secret);
        var ownerCheck = await RunAsUidAsync(env.HostUid!.Value, "test", "-O", env.StorageDir);

        Assert.NotEqual(0, otherGrainReads);
        Assert.Equal(0, ownerCheck);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(env.StorageDir));
    }

    private static Task<int> RunAsUidAsync(int uid, params string[] command)
    {
        var id = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RunAsync("setpriv", ["--reuid", id, "--regid", id, "--clear-groups", .. command]);
    }

    private static async Task<int> RunAsync(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync().WaitAsync(SandboxTestEnvironment.Timeout);
        return process.ExitCode;
    }
}
