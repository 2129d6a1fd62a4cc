using System.Runtime.InteropServices;

namespace Outpost.Packaging;

/// <summary>What kind of thing a host path is.</summary>
internal enum HostFileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,

    /// <summary>A fifo, socket or device: opening one could block or touch hardware, so packing refuses them.</summary>
    Special,
}

/// <summary>
/// File type queries .NET does not offer: FileSystemInfo cannot tell a fifo or a device from a regular file, and
/// opening a fifo to find out blocks forever. statx(2) has the same layout on every Linux architecture.
/// </summary>
internal static partial class HostFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int FileTypeMask = 0xF000;

    private static ReadOnlySpan<byte> ElfMagic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    public static HostFileKind KindOf(string path, bool followLinks)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return HostFileKind.Missing;
        }

        return (MemoryMarshal.Read<ushort>(buffer[ModeOffset..]) & FileTypeMask) switch
        {
            0x8000 => HostFileKind.Regular,
            0x4000 => HostFileKind.Directory,
            0xA000 => HostFileKind.Symlink,
            _ => HostFileKind.Special,
        };
    }

    /// <summary>Whether <paramref name="path"/> starts with the ELF magic, i.e. may need shared libraries.</summary>
    public static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var handle = File.OpenHandle(path);
        return RandomAccess.Read(handle, magic, 0) == 4 && magic.SequenceEqual(ElfMagic);
    }

    /// <summary>
    /// Size of the file <paramref name="path"/> leads to. FileInfo.Length describes a symlink itself, not its
    /// target, so the length is taken from an open handle, exactly as the content will be read.
    /// </summary>
    public static long LengthOf(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>Mode a file gets in a package: 0755 when its owner may execute it, else 0644.</summary>
    public static UnixFileMode PackagedMode(string path) =>
        (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0 ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
