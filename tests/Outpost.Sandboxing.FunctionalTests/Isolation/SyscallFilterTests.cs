using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Isolation;

/// <summary>Each kernel attack surface the seccomp allow-list closes, tried for real from inside a sandbox.</summary>
public sealed class SyscallFilterTests
{
    private const string KilledBySigsys = "signal 31";

    [Fact]
    public Task Ptrace_TraceMe_IsRefused() => AssertAnswer("/ptrace-traceme", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Ptrace_AttachToPid1_IsRefused() => AssertAnswer("/ptrace-attach-1", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Mount_Tmpfs_IsRefused() => AssertAnswer("/mount", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Unshare_NewUserNamespace_IsRefused() => AssertAnswer("/unshare-user", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Unshare_NewNetworkNamespace_IsRefused() => AssertAnswer("/unshare-net", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Clone_WithNewMountNamespace_IsRefused() => AssertAnswer("/clone-newns", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Clone3_Any_LooksUnimplemented() => AssertAnswer("/clone3", Errno.Failed(Errno.ENOSYS));

    [Fact]
    public async Task Fork_Plain_IsAllowed()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        Assert.StartsWith("ok", await SandboxTestEnvironment.GetAsync(sandbox, "/fork"), StringComparison.Ordinal);
    }

    [Fact]
    public Task Setns_OwnNetworkNamespace_IsRefused() => AssertAnswer("/setns", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Keyctl_SessionKeyring_IsRefused() => AssertAnswer("/keyctl", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task AddKey_UserKey_IsRefused() => AssertAnswer("/add-key", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Bpf_MapCreate_IsRefused() => AssertAnswer("/bpf", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task IoUringSetup_Any_LooksUnimplemented() => AssertAnswer("/io-uring", Errno.Failed(Errno.ENOSYS));

    [Fact]
    public Task PerfEventOpen_CpuClock_IsRefused() => AssertAnswer("/perf-event-open", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Userfaultfd_Any_IsRefused() => AssertAnswer("/userfaultfd", Errno.Failed(Errno.EPERM));

    [Fact]
    public Task Syscall_I386Abi_KillsTheProcess() => AssertAnswer("/i386", KilledBySigsys);

    [Fact]
    public Task Syscall_X32Abi_KillsTheProcess() => AssertAnswer("/x32", KilledBySigsys);

    private static async Task AssertAnswer(string attack, string expected)
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await env.StartHostileAsync();

        var answer = await SandboxTestEnvironment.GetAsync(sandbox, attack);

        Assert.Equal(expected, answer);
    }
}
