namespace Outpost.Sandboxing.Native.Seccomp;

/// <summary>
/// The sandbox's syscall policy: an allow-list. Anything not named here fails with ENOSYS, as if
/// the kernel were too old to have it, which is the answer glibc, libuv and the .NET runtime are
/// written to fall back from. Syscalls that exist only to cross the sandbox's walls are named
/// explicitly and fail with EPERM, so that an app sees an honest "not permitted".
/// docs/sandbox.md explains each group.
/// </summary>
internal static partial class SeccompPolicy
{
    public const int EPERM = 1;
    public const int ENOSYS = 38;
    public const int EAFNOSUPPORT = 97;

    /// <summary>Unlisted syscalls: "not implemented", so callers take their fallback path.</summary>
    public static uint DefaultAction => LibSeccomp.ActErrno(ENOSYS);

    /// <summary>All rules, in the order they are added to the filter.</summary>
    public static IEnumerable<SeccompRule> Rules()
    {
        foreach (var name in Allowed)
        {
            yield return new SeccompRule(name, LibSeccomp.ActAllow);
        }

        foreach (var name in Refused)
        {
            yield return new SeccompRule(name, LibSeccomp.ActErrno(EPERM));
        }

        foreach (var name in Absent)
        {
            yield return new SeccompRule(name, LibSeccomp.ActErrno(ENOSYS));
        }

        foreach (var rule in NamespaceRules())
        {
            yield return rule;
        }

        foreach (var rule in SocketRules())
        {
            yield return rule;
        }
    }

    /// <summary>Allowed with any arguments: what glibc, Node.js (V8 + libuv) and .NET programs use.</summary>
    private static readonly string[] Allowed =
    [
        // Files and descriptors, confined by the mounts: the filesystem the sandbox sees is the policy.
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "open", "openat", "openat2", "creat", "close", "close_range", "lseek",
        "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
        "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64", "getcwd", "chdir", "fchdir",
        "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2",
        "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat",
        "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat", "umask",
        "truncate", "ftruncate", "fallocate", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range",
        "fadvise64", "readahead", "flock", "fcntl", "ioctl", "dup", "dup2", "dup3", "pipe", "pipe2",
        "sendfile", "copy_file_range", "splice", "tee", "utime", "utimes", "futimesat", "utimensat",
        "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
        "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
        "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "memfd_create",

        // Memory. mlock is bounded by RLIMIT_MEMLOCK and, like everything else, charged to the memory cgroup.
        "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
        "mlock", "mlock2", "munlock", "mlockall", "munlockall", "pkey_alloc", "pkey_free", "pkey_mprotect",
        "membarrier", "map_shadow_stack",

        // Processes, threads and signals. clone is allowed below only without namespace flags.
        "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid",
        "kill", "tkill", "tgkill", "pidfd_open", "pidfd_send_signal",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo",
        "rt_tgsigqueueinfo", "rt_sigsuspend", "sigaltstack", "pause", "restart_syscall",
        "futex", "futex_waitv", "futex_wake", "futex_wait", "futex_requeue",
        "set_robust_list", "get_robust_list", "set_tid_address", "rseq", "arch_prctl", "prctl",
        "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups",
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
        "capget", "capset", "getrlimit", "setrlimit", "prlimit64", "getrusage", "getpriority", "setpriority",
        "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam",
        "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "sched_rr_get_interval", "sched_getattr", "sched_setattr", "ioprio_get", "ioprio_set", "getcpu",

        // A process may only ever tighten its own filter; sandboxes inside the sandbox (Chromium's) need it.
        "seccomp",

        // Time and system information (all namespaced or harmless to read).
        "clock_gettime", "clock_getres", "clock_nanosleep", "gettimeofday", "time", "nanosleep",
        "alarm", "getitimer", "setitimer", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
        "timer_delete", "timerfd_create", "timerfd_settime", "timerfd_gettime", "times", "uname", "sysinfo", "getrandom",

        // Event loops.
        "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
        "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "signalfd", "signalfd4",

        // Sockets. socket() itself is filtered by address family below; the network namespace has only loopback.
        "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname", "getpeername",
        "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "setsockopt", "getsockopt",

        // System V IPC: private to the sandbox's IPC namespace (PostgreSQL uses shared memory).
        "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl",
        "msgget", "msgsnd", "msgrcv", "msgctl",
    ];
}
