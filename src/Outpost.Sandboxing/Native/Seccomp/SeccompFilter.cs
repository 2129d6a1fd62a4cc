namespace Outpost.Sandboxing.Native.Seccomp;

/// <summary>Compiles <see cref="SeccompPolicy"/> into the classic-BPF program bwrap loads with <c>--seccomp FD</c>.</summary>
internal static class SeccompFilter
{
    private static readonly Lazy<byte[]> Compiled = new(() => Export(LibSeccomp.ExportBpf));

    /// <summary>The filter as raw <c>struct sock_filter</c> instructions; compiled once per process.</summary>
    public static byte[] Program => Compiled.Value;

    /// <summary>libseccomp's human-readable rendering of the filter (for debugging and docs).</summary>
    public static string Describe() => System.Text.Encoding.UTF8.GetString(Export(LibSeccomp.ExportPfc));

    /// <summary>Syscalls named by the policy that this libseccomp does not know (newer than it), skipped.</summary>
    public static IReadOnlyList<string> UnknownSyscalls() =>
        SeccompPolicy.Rules().Select(r => r.Syscall).Distinct().Where(name => LibSeccomp.ResolveName(name) < 0).ToList();

    private static byte[] Export(Func<nint, int, int> export)
    {
        var context = LibSeccomp.Init(SeccompPolicy.DefaultAction);
        if (context == 0)
        {
            throw new InvalidOperationException("seccomp_init failed");
        }

        try
        {
            // x86_64 only: i386 (int 0x80) and x32 syscalls reach different syscall tables the
            // rules below do not describe, so such a call kills the whole process rather than
            // being answered.
            Check(LibSeccomp.SetAttribute(context, LibSeccomp.AttrActBadArch, LibSeccomp.ActKillProcess), "seccomp_attr_set");
            // Rules that restate the default (the "absent" syscalls) are documentation: libseccomp
            // rejects them as redundant (EACCES), and the default already answers them.
            foreach (var rule in SeccompPolicy.Rules().Where(r => r.Action != SeccompPolicy.DefaultAction))
            {
                AddRule(context, rule);
            }

            return ExportToBytes(context, export);
        }
        finally
        {
            LibSeccomp.Release(context);
        }
    }

    private static unsafe void AddRule(nint context, SeccompRule rule)
    {
        var number = LibSeccomp.ResolveName(rule.Syscall);
        if (number < 0)
        {
            // Unknown to this libseccomp, so newer than it: the default (ENOSYS) applies, which is safe.
            return;
        }

        var comparisons = stackalloc LibSeccomp.ArgumentComparison[Math.Max(1, rule.Conditions.Length)];
        for (var i = 0; i < rule.Conditions.Length; i++)
        {
            var condition = rule.Conditions[i];
            comparisons[i] = new LibSeccomp.ArgumentComparison
            {
                Argument = condition.Argument,
                Operator = condition.Operator,
                DatumA = condition.DatumA,
                DatumB = condition.DatumB,
            };
        }

        Check(LibSeccomp.AddRule(context, rule.Action, number, (uint)rule.Conditions.Length, comparisons), $"seccomp rule for {rule.Syscall}");
    }

    private static byte[] ExportToBytes(nint context, Func<nint, int, int> export)
    {
        // libseccomp 2.5 exports only to a file descriptor; an unlinked temporary file is the simplest one.
        var path = Path.Combine(Path.GetTempPath(), $"outpost-seccomp-{Guid.NewGuid():N}");
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            Check(export(context, (int)handle.DangerousGetHandle()), "seccomp export");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        var length = RandomAccess.GetLength(handle);
        var bytes = new byte[length];
        var read = 0;
        while (read < bytes.Length)
        {
            read += RandomAccess.Read(handle, bytes.AsSpan(read), read);
        }

        return bytes;
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"{what} failed: errno {-result}");
        }
    }
}
