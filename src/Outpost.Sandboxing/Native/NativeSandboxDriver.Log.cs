using Microsoft.Extensions.Logging;

namespace Outpost.Sandboxing.Native;

/// <summary>What an operator needs to know about sandboxes.</summary>
internal static partial class NativeSandboxLog
{
    [LoggerMessage(1, LogLevel.Information, "Sandbox {Instance} started in {ElapsedMs} ms (cgroup {CgroupVersion})")]
    public static partial void SandboxStarted(this ILogger logger, string instance, long elapsedMs, string cgroupVersion);

    [LoggerMessage(2, LogLevel.Warning, "Sandbox {Instance} failed to start: {Reason}")]
    public static partial void SandboxStartFailed(this ILogger logger, string instance, string reason);

    [LoggerMessage(3, LogLevel.Information, "Sandbox {Instance} ended with exit code {ExitCode}: {Message}")]
    public static partial void SandboxExited(this ILogger logger, string instance, int exitCode, string message);

    [LoggerMessage(4, LogLevel.Warning, "Sandbox {Instance} runs WITHOUT resource limits: {Reason}")]
    public static partial void ResourceLimitsUnavailable(this ILogger logger, string instance, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Sandbox {Instance} runs as root on the host: give each grain a HostUid")]
    public static partial void RunningAsRoot(this ILogger logger, string instance);

    [LoggerMessage(6, LogLevel.Warning, "Cgroup of sandbox {Instance} could not be removed: {Directories}")]
    public static partial void CgroupNotRemoved(this ILogger logger, string instance, string directories);

    [LoggerMessage(7, LogLevel.Debug, "Seccomp policy names syscalls this libseccomp does not know (left to the default): {Syscalls}")]
    public static partial void UnknownSyscalls(this ILogger logger, string syscalls);
}
