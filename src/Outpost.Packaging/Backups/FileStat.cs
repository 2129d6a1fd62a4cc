using System.Runtime.InteropServices;

namespace Outpost.Packaging;

/// <summary>
/// What lstat tells about a path and .NET does not: its type (a fifo or socket looks like a file to FileInfo), owner,
/// inode and change time. statx(2) has the same layout on every Linux architecture.
/// </summary>
/// <param name="Type">The file type bits (S_IFMT).</param>
/// <param name="Mode">The permission bits, setuid, setgid and sticky.</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Inode">Inode number.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="MTimeNs">Modification time, ns since the Unix epoch.</param>
/// <param name="CTimeNs">Change time, ns since the Unix epoch.</param>
public readonly partial record struct FileStat(int Type, int Mode, int Uid, int Gid, ulong Inode, long Size, long MTimeNs, long CTimeNs)
{
    /// <summary><see cref="Type"/> of a regular file.</summary>
    public const int RegularType = 0x8000;

    /// <summary><see cref="Type"/> of a directory.</summary>
    public const int DirectoryType = 0x4000;

    /// <summary><see cref="Type"/> of a symlink.</summary>
    public const int SymlinkType = 0xA000;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint BasicStats = 0x7FF;

    /// <summary>lstat of <paramref name="path"/> (stat with <paramref name="followLinks"/>), or null when it does not exist (any more).</summary>
    public static FileStat? Of(string path, bool followLinks = false)
    {
        Span<byte> b = stackalloc byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, BasicStats, b) != 0)
        {
            return null;
        }

        var mode = MemoryMarshal.Read<ushort>(b[28..]);
        return new FileStat(
            mode & 0xF000,
            mode & 0xFFF,
            MemoryMarshal.Read<int>(b[20..]),
            MemoryMarshal.Read<int>(b[24..]),
            MemoryMarshal.Read<ulong>(b[32..]),
            MemoryMarshal.Read<long>(b[40..]),
            Nanoseconds(b[112..]),
            Nanoseconds(b[96..]));
    }

    /// <summary>Sets the owner of <paramref name="path"/> itself, never of what a symlink points to.</summary>
    public static void SetOwner(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0)
        {
            throw new IOException($"cannot set the owner of '{path}' to {uid}:{gid} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (MemoryMarshal.Read<long>(timestamp) * 1_000_000_000L) + MemoryMarshal.Read<uint>(timestamp[8..]);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LChown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
