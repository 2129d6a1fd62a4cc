using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.FunctionalTests.Units;

public sealed class ExitMessageTests
{
    [Theory]
    [InlineData(0, 0, false, "app exited with code 0")]
    [InlineData(137, 1, false, "app exited with code 137 (killed: out of memory)")]
    [InlineData(137, 0, false, "app exited with code 137 (killed by signal 9)")]
    [InlineData(137, 0, true, "sandbox stopped (exit code 137)")]
    [InlineData(125, 0, false, "sandbox could not be set up (exit code 125)")]
    public void ExitMessage_Outcome_SaysWhatHappened(int code, long oomKills, bool stopped, string expected)
    {
        Assert.Equal(expected, NativeSandboxProcess.ExitMessage(code, oomKills, stopped));
    }
}
