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
/// opening a fifo to find out blocks forever (see <see cref="FileStat"/>).
/// </summary>
internal static class HostFile
{
    private static ReadOnlySpan<byte> ElfMagic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    public static HostFileKind KindOf(string path, bool followLinks) => FileStat.Of(path, followLinks)?.Type switch
    {
        null => HostFileKind.Missing,
        FileStat.RegularType => HostFileKind.Regular,
        FileStat.DirectoryType => HostFileKind.Directory,
        FileStat.SymlinkType => HostFileKind.Symlink,
        _ => HostFileKind.Special,
    };

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
}
