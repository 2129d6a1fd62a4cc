using System.Runtime.InteropServices;

namespace Outpost.Sandboxing.Native.Seccomp;

/// <summary>The few libseccomp (libseccomp.so.2, Debian's libseccomp2) entry points used to compile the filter.</summary>
/// <remarks>
/// libseccomp rather than hand-written BPF: it knows the syscall table, emits the architecture
/// check (including the x32 ABI, which shares x86_64's audit arch) and compiles 64-bit argument
/// comparisons correctly, which is where hand-written filters usually go wrong.
/// </remarks>
internal static partial class LibSeccomp
{
    public const uint ActKillProcess = 0x80000000;
    public const uint ActAllow = 0x7fff0000;

    /// <summary><c>SCMP_FLTATR_ACT_BADARCH</c>: what a syscall from a foreign architecture gets.</summary>
    public const int AttrActBadArch = 2;

    private const string Library = "libseccomp.so.2";

    /// <summary>Comparison operators of <c>struct scmp_arg_cmp</c>.</summary>
    public enum Compare
    {
        NotEqual = 1,
        LessThan = 2,
        LessOrEqual = 3,
        Equal = 4,
        GreaterOrEqual = 5,
        GreaterThan = 6,
        MaskedEqual = 7,
    }

    /// <summary><c>SCMP_ACT_ERRNO(errno)</c>.</summary>
    public static uint ActErrno(int errno) => 0x00050000u | ((uint)errno & 0xffff);

    [LibraryImport(Library, EntryPoint = "seccomp_init")]
    public static partial nint Init(uint defaultAction);

    [LibraryImport(Library, EntryPoint = "seccomp_release")]
    public static partial void Release(nint context);

    [LibraryImport(Library, EntryPoint = "seccomp_attr_set")]
    public static partial int SetAttribute(nint context, int attribute, uint value);

    /// <summary>Syscall number for the native architecture, or negative when libseccomp does not know the name.</summary>
    [LibraryImport(Library, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ResolveName(string name);

    [LibraryImport(Library, EntryPoint = "seccomp_rule_add_array")]
    public static unsafe partial int AddRule(nint context, uint action, int syscall, uint argumentCount, ArgumentComparison* comparisons);

    [LibraryImport(Library, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(nint context, int fd);

    [LibraryImport(Library, EntryPoint = "seccomp_export_pfc")]
    public static partial int ExportPfc(nint context, int fd);

    /// <summary><c>struct scmp_arg_cmp</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ArgumentComparison
    {
        public uint Argument;
        public Compare Operator;
        public ulong DatumA;
        public ulong DatumB;
    }
}
