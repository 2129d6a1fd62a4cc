using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Outpost.Sandboxing.Native;

/// <summary>Prepares the host directories a sandbox binds: ownership and modes.</summary>
internal static class SandboxDirectories
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates the grain's storage, owned by the grain's host uid and mode 0700, so that no other grain
    /// (each has its own uid) can read it even if it escaped its namespaces.
    /// </summary>
    public static void PrepareStorage(string directory, int? hostUid)
    {
        Directory.CreateDirectory(directory);
        if (hostUid is int uid && OwnerOf(directory) != uid)
        {
            // Only when ownership differs (a new grain, or a uid reassigned): walking a large storage
            // tree on every start would make starts slow for no gain.
            ChownTree(directory, uid);
        }

        File.SetUnixFileMode(directory, OwnerOnly);
    }

    /// <summary>Empties (or creates) the runtime directory: a stale socket must not look like readiness.</summary>
    public static void PrepareRuntime(string directory, int? hostUid)
    {
        if (Directory.Exists(directory))
        {
            // Deletes symlinks themselves, never what they point to.
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        if (hostUid is int uid)
        {
            Chown(directory, uid);
        }

        File.SetUnixFileMode(directory, OwnerOnly);
    }

    /// <summary>Gives a tree to <paramref name="uid"/> without following links.</summary>
    public static void ChownTree(string directory, int uid)
    {
        Chown(directory, uid);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            // lchown and no descent into links: the app controls this tree and may have planted a
            // link to a host file, which following would hand over to the grain's uid.
            Chown(entry.FullName, uid);
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                ChownTree(entry.FullName, uid);
            }
        }
    }

    private static void Chown(string path, int uid)
    {
        if (Libc.LChown(path, uid, uid) != 0)
        {
            throw new IOException($"cannot chown {path} to {uid}", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>st_uid from lstat(2), read from x86_64's struct stat (the only architecture the sandbox supports).</summary>
    private static unsafe int OwnerOf(string path)
    {
        const int StructStatSize = 144;
        const int UidOffset = 28;
        var buffer = stackalloc byte[StructStatSize];
        if (Libc.LStat(path, buffer) != 0)
        {
            throw new IOException($"cannot stat {path}", new Win32Exception(Marshal.GetLastPInvokeError()));
        }

        return *(int*)(buffer + UidOffset);
    }
}
