using System.Globalization;

namespace Outpost.Sandboxing.Native;

/// <summary>
/// The bubblewrap command line for one sandbox. Every option is a security decision; docs/sandbox.md
/// explains them in more words.
/// </summary>
internal static class BwrapArguments
{
    /// <summary>The descriptor the launcher opens the seccomp program on (dash only redirects 0-9).</summary>
    public const int SeccompFd = 9;

    /// <summary>The uid and gid the app sees: an ordinary user, never root, whatever the host uid is.</summary>
    public const int SandboxUid = 1000;

    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static IReadOnlyList<string> Build(SandboxSpec spec, BridgeRuntime bridge)
    {
        var uid = SandboxUid.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            // A namespace of each kind: own users (uid 1000 mapped to the grain's host uid, nothing
            // else mapped), own mounts, own pids (the app cannot see or signal host processes), own
            // network (loopback only: no route to the host or the internet), own SysV IPC, own hostname,
            // and own cgroup view when the kernel allows it.
            "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--uid", uid, "--gid", uid, "--hostname", spec.InstanceName,

            // Belt and braces with the seccomp clone/unshare rules: no nested user namespaces, which
            // would give the app fresh capabilities over new (if empty) namespaces and kernel surface.
            "--disable-userns",

            // The sandbox dies with its supervisor rather than living on unsupervised; a new session
            // detaches it from any terminal (no TIOCSTI injection); no capabilities even inside.
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",

            // Only the variables we choose: the host's environment may hold Outpost's own secrets.
            "--clearenv",
        };

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = DefaultPath,
            ["HOME"] = NativeSandbox.StoragePath,
            ["TMPDIR"] = "/tmp",
        };
        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        // For the bridge only (it removes the variable before starting the app): run socket continuations on
        // the epoll thread instead of hopping to the thread pool. The bridge never blocks in them, and the hop
        // was most of its CPU time per proxied request.
        environment[BridgeOnlyEnvironment.InlineSocketCompletions] = "1";

        foreach (var (name, value) in environment)
        {
            args.AddRange(["--setenv", name, value]);
        }

        args.AddRange(
        [
            // The package is the whole filesystem, read-only: the app cannot modify its own code, and
            // nothing of the host's filesystem exists inside unless bound below.
            "--ro-bind", spec.PackageRoot, "/",

            // Minimal /dev: null, zero, full, random, urandom, tty, a private devpts and shm; no disks,
            // no /dev/kmsg, no host devices.
            "--dev", "/dev",

            // A procfs of the sandbox's pid namespace: it lists only the sandbox's processes.
            // /sys is deliberately absent: it would describe the host's hardware and kernel.
            "--proc", "/proc",

            // Scratch space in memory, charged to the grain's memory cgroup and capped at its limit.
            "--size", spec.Limits.MemoryBytes.ToString(CultureInfo.InvariantCulture), "--perms", "1777", "--tmpfs", "/tmp",

            // The grain's own storage: the only persistent, writable place.
            "--bind", spec.StorageDir, NativeSandbox.StoragePath,

            // Where the bridge creates the socket the host connects to.
            "--bind", spec.RuntimeDir, NativeSandbox.RuntimePath,

            // The bridge with the host's loader and libc, in a read-only directory of its own so the
            // app's libraries are never replaced by the host's.
            "--tmpfs", NativeSandbox.BridgeDirectory,
        ]);

        foreach (var (hostPath, sandboxPath) in bridge.Binds())
        {
            args.AddRange(["--ro-bind", hostPath, sandboxPath]);
        }

        args.AddRange(
        [
            "--remount-ro", NativeSandbox.BridgeDirectory,
            "--chdir", NativeSandbox.StoragePath,
            "--seccomp", SeccompFd.ToString(CultureInfo.InvariantCulture),
            "--",
        ]);

        args.AddRange(bridge.Command);
        args.AddRange(
        [
            "--socket", NativeSandbox.RuntimePath + "/" + NativeSandbox.SocketName,
            "--port", spec.Port.ToString(CultureInfo.InvariantCulture),
            "--",
            spec.Command,
        ]);
        args.AddRange(spec.Args);
        return args;
    }
}
