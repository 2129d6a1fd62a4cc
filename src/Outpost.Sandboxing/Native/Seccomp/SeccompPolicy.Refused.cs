namespace Outpost.Sandboxing.Native.Seccomp;

internal static partial class SeccompPolicy
{
    // Kernel CLONE_NEW* flags (linux/sched.h).
    private const ulong CloneNewTime = 0x00000080;
    private const ulong CloneNewNs = 0x00020000;
    private const ulong CloneNewCgroup = 0x02000000;
    private const ulong CloneNewUts = 0x04000000;
    private const ulong CloneNewIpc = 0x08000000;
    private const ulong CloneNewUser = 0x10000000;
    private const ulong CloneNewPid = 0x20000000;
    private const ulong CloneNewNet = 0x40000000;

    // Address families (linux/socket.h) and the kernel's AF_MAX, past which none exist.
    private const ulong AfUnix = 1;
    private const ulong AfInet = 2;
    private const ulong AfInet6 = 10;
    private const ulong AfNetlink = 16;
    private const ulong AfMax = 46;
    private const ulong NetlinkRoute = 0;

    /// <summary>Syscalls whose only use in a sandbox is to escape it or attack the kernel: EPERM.</summary>
    private static readonly string[] Refused =
    [
        // Looking into or controlling other processes (the host's, if a namespace were ever shared).
        "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp",

        // Changing the filesystem layout: the mounts are the sandbox.
        "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick",
        "move_mount", "open_tree", "mount_setattr",

        // Entering other namespaces; creating them is refused through clone/unshare flags below.
        "setns",

        // Kernel keyrings are not namespaced: one grain could read or fill another's.
        "keyctl", "add_key", "request_key",

        // Large, historically exploitable kernel surfaces that no web app needs.
        "bpf", "perf_event_open", "userfaultfd", "open_by_handle_at", "name_to_handle_at",
        "fanotify_init", "fanotify_mark", "modify_ldt", "personality", "vmsplice",

        // Whole-machine state: clocks, modules, power, swap, accounting, console.
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "init_module", "finit_module",
        "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct",
        "quotactl", "quotactl_fd", "syslog", "iopl", "ioperm", "vhangup", "sethostname", "setdomainname",
        "lookup_dcookie", "uselib", "migrate_pages", "move_pages",
    ];

    /// <summary>Refused with ENOSYS because callers must see them as absent and fall back.</summary>
    private static readonly string[] Absent =
    [
        // clone3 passes its flags in memory, which a seccomp filter cannot read; "not implemented"
        // makes glibc (2.34+) fall back to clone, whose flags the rules below can check.
        "clone3",

        // io_uring bypasses seccomp for the operations it performs and has been the kernel's largest
        // source of privilege escalations; libuv (Node.js) probes it and falls back to its thread pool.
        "io_uring_setup", "io_uring_enter", "io_uring_register",
    ];

    /// <summary>clone and unshare without CLONE_NEW* flags; with any, EPERM.</summary>
    private static IEnumerable<SeccompRule> NamespaceRules()
    {
        // In clone's flags the low byte is the exit signal, so CLONE_NEWTIME (0x80) cannot be tested there;
        // clone cannot create a time namespace anyway (only unshare and clone3 can).
        ulong[] cloneFlags = [CloneNewNs, CloneNewCgroup, CloneNewUts, CloneNewIpc, CloneNewUser, CloneNewPid, CloneNewNet];
        var cloneMask = cloneFlags.Aggregate(0UL, (mask, flag) => mask | flag);
        var unshareMask = cloneMask | CloneNewTime;

        yield return new SeccompRule("clone", LibSeccomp.ActAllow, ArgumentCondition.MaskedEqual(0, cloneMask, 0));
        yield return new SeccompRule("unshare", LibSeccomp.ActAllow, ArgumentCondition.MaskedEqual(0, unshareMask, 0));
        foreach (var flag in cloneFlags)
        {
            yield return new SeccompRule("clone", LibSeccomp.ActErrno(EPERM), ArgumentCondition.MaskedEqual(0, flag, flag));
        }

        foreach (var flag in cloneFlags.Append(CloneNewTime))
        {
            yield return new SeccompRule("unshare", LibSeccomp.ActErrno(EPERM), ArgumentCondition.MaskedEqual(0, flag, flag));
        }
    }

    /// <summary>socket() for unix, IPv4, IPv6 and netlink route (interface listing); other families EAFNOSUPPORT.</summary>
    private static IEnumerable<SeccompRule> SocketRules()
    {
        // Rarely used protocol families (packet, vsock, AF_ALG, X.25, ...) are where socket bugs have
        // lived; refusing them as "unsupported" is what a kernel built without them answers.
        yield return new SeccompRule("socket", LibSeccomp.ActAllow, ArgumentCondition.Equal(0, AfUnix));
        yield return new SeccompRule("socket", LibSeccomp.ActAllow, ArgumentCondition.Equal(0, AfInet));
        yield return new SeccompRule("socket", LibSeccomp.ActAllow, ArgumentCondition.Equal(0, AfInet6));
        yield return new SeccompRule("socket", LibSeccomp.ActAllow, ArgumentCondition.Equal(0, AfNetlink), ArgumentCondition.Equal(2, NetlinkRoute));
        yield return new SeccompRule("socket", LibSeccomp.ActErrno(EAFNOSUPPORT), ArgumentCondition.Equal(0, AfNetlink), ArgumentCondition.NotEqual(2, NetlinkRoute));
        for (ulong family = 0; family <= AfMax; family++)
        {
            if (family is not (AfUnix or AfInet or AfInet6 or AfNetlink))
            {
                yield return new SeccompRule("socket", LibSeccomp.ActErrno(EAFNOSUPPORT), ArgumentCondition.Equal(0, family));
            }
        }

        yield return new SeccompRule("socket", LibSeccomp.ActErrno(EAFNOSUPPORT), ArgumentCondition.GreaterThan(0, AfMax));
    }
}
