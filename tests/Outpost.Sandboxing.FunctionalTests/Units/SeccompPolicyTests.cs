using Outpost.Sandboxing.Native.Seccomp;

namespace Outpost.Sandboxing.FunctionalTests.Units;

public sealed class SeccompPolicyTests
{
    [Fact]
    public void Rules_NoSyscall_IsBothAllowedUnconditionallyAndRefused()
    {
        var rules = SeccompPolicy.Rules().ToList();
        var unconditional = rules.Where(r => r.Conditions.Length == 0).GroupBy(r => r.Syscall);

        Assert.All(unconditional, group => Assert.Single(group.Select(r => r.Action).Distinct()));
    }

    [Theory]
    [InlineData("ptrace")]
    [InlineData("mount")]
    [InlineData("bpf")]
    [InlineData("keyctl")]
    [InlineData("clone3")]
    [InlineData("io_uring_setup")]
    [InlineData("setns")]
    [InlineData("open_by_handle_at")]
    public void Rules_EscapeSyscall_IsNeverAllowed(string syscall)
    {
        Assert.DoesNotContain(SeccompPolicy.Rules(), r => r.Syscall == syscall && r.Action == LibSeccomp.ActAllow);
    }

    [Fact]
    public void Program_Compiled_IsWholeBpfInstructions()
    {
        var program = SeccompFilter.Program;

        // struct sock_filter is 8 bytes; the kernel accepts at most 4096 instructions.
        Assert.Equal(0, program.Length % 8);
        Assert.InRange(program.Length / 8, 10, 4096);
    }

    [Fact]
    public void Describe_Filter_KillsForeignArchitectures()
    {
        Assert.Contains("action KILL_PROCESS;", SeccompFilter.Describe(), StringComparison.Ordinal);
    }
}
