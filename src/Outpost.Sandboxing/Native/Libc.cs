using System.Runtime.InteropServices;

namespace Outpost.Sandboxing.Native;

/// <summary>The libc calls .NET has no managed API for.</summary>
internal static partial class Libc
{
    public const int SIGKILL = 9;
    public const int ESRCH = 3;

    private const string Library = "libc.so.6";

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>chown that never follows a symlink: grain storage may contain links planted by the app.</summary>
    [LibraryImport(Library, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LChown(string path, int owner, int group);

    /// <summary>lstat(2) into a caller-provided <c>struct stat</c> (exported by glibc 2.33 and later).</summary>
    [LibraryImport(Library, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int LStat(string path, byte* buffer);
}
