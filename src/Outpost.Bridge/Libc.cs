using System.Runtime.InteropServices;

namespace Outpost.Bridge;

/// <summary>The one libc call the runtime does not offer: sending a chosen signal to a process.</summary>
internal static partial class Libc
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);
}
