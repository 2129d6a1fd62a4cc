namespace Outpost.Packaging;

/// <summary>One tar entry as stored: its PAX overrides already applied, nothing judged yet.</summary>
internal sealed record TarEntryHeader(string Name, byte TypeFlag, int Mode, long Size, string LinkName)
{
    public const byte RegularFile = (byte)'0';
    public const byte OldRegularFile = 0;
    public const byte HardLink = (byte)'1';
    public const byte SymbolicLink = (byte)'2';
    public const byte CharacterDevice = (byte)'3';
    public const byte BlockDevice = (byte)'4';
    public const byte Directory = (byte)'5';
    public const byte Fifo = (byte)'6';
    public const byte ExtendedHeader = (byte)'x';
    public const byte GlobalExtendedHeader = (byte)'g';

    public bool IsRegularFile => TypeFlag is RegularFile or OldRegularFile;

    /// <summary>The type flag as people know it, for error messages.</summary>
    public string TypeName => TypeFlag switch
    {
        RegularFile or OldRegularFile => "regular file",
        HardLink => "hard link",
        SymbolicLink => "symbolic link",
        CharacterDevice => "character device",
        BlockDevice => "block device",
        Directory => "directory",
        Fifo => "fifo",
        (byte)'7' => "contiguous file",
        GlobalExtendedHeader => "pax global header",
        (byte)'L' or (byte)'K' => "GNU long name",
        (byte)'S' => "GNU sparse file",
        _ => $"type '{(TypeFlag is >= 0x20 and < 0x7F ? ((char)TypeFlag).ToString() : $"\\x{TypeFlag:x2}")}'",
    };
}
