using System.Text.RegularExpressions;

namespace Outpost.Sandboxing.Native;

/// <summary>Rejects specs that would be unsafe or meaningless before anything is created on the host.</summary>
internal static partial class SpecValidator
{
    private const int MaxSocketPathBytes = 107;

    public static void Validate(SandboxSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);

        // The instance name becomes a cgroup directory name and the hostname: no separators, no "..".
        if (!InstanceName().IsMatch(spec.InstanceName))
        {
            throw new ArgumentException("InstanceName must match [a-z0-9]{1,64}", nameof(spec));
        }

        foreach (var (name, path) in new[] { ("PackageRoot", spec.PackageRoot), ("StorageDir", spec.StorageDir), ("RuntimeDir", spec.RuntimeDir), ("LogFile", spec.LogFile) })
        {
            if (!Path.IsPathFullyQualified(path))
            {
                throw new ArgumentException($"{name} must be an absolute host path", nameof(spec));
            }
        }

        // sockaddr_un holds 108 bytes including the NUL: a longer socket path could not be connected to.
        if (System.Text.Encoding.UTF8.GetByteCount(Path.Combine(spec.RuntimeDir, NativeSandbox.SocketName)) > MaxSocketPathBytes)
        {
            throw new ArgumentException($"RuntimeDir is too long: the socket path must fit in {MaxSocketPathBytes} bytes", nameof(spec));
        }

        if (!spec.Command.StartsWith('/'))
        {
            throw new ArgumentException("Command must be an absolute path inside the sandbox", nameof(spec));
        }

        if (spec.Port is < 1 or > 65535)
        {
            throw new ArgumentException("Port must be 1-65535", nameof(spec));
        }

        // Root would make the "unprivileged host user" an administrator again.
        if (spec.HostUid is <= 0)
        {
            throw new ArgumentException("HostUid must be a positive, unprivileged uid", nameof(spec));
        }

        if (spec.HostUid is not null && !Environment.IsPrivilegedProcess)
        {
            throw new ArgumentException("HostUid needs Outpost to run as root", nameof(spec));
        }

        if (spec.Limits.MemoryBytes < 16 * 1024 * 1024 || spec.Limits.MaxProcesses < 8 || spec.Limits.CpuCores <= 0)
        {
            throw new ArgumentException("Limits must allow at least 16 MiB, 8 processes and some CPU", nameof(spec));
        }

        if (spec.MaxLogBytes < 1 || spec.StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxLogBytes and StartTimeout must be positive", nameof(spec));
        }

        var strings = spec.Args.Append(spec.Command).Concat(spec.Environment.Keys).Concat(spec.Environment.Values);
        if (strings.Any(s => s.Contains('\0', StringComparison.Ordinal)) || spec.Environment.Keys.Any(k => k.Length == 0 || k.Contains('=', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Args and Environment must not contain NUL, and variable names must be non-empty without '='", nameof(spec));
        }
    }

    public static void ValidateCgroupName(string name)
    {
        if (!CgroupName().IsMatch(name) || name is "." or "..")
        {
            throw new ArgumentException("CgroupName must be a single directory name ([A-Za-z0-9_.-]+)", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z0-9]{1,64}$")]
    private static partial Regex InstanceName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex CgroupName();
}
