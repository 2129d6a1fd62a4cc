using System.Text;

namespace Outpost.Packaging;

/// <summary>Field positions of a POSIX ustar header block and the number encodings Outpost reads and writes.</summary>
internal static class TarLayout
{
    public const int BlockSize = 512;
    public const int NameOffset = 0, NameLength = 100;
    public const int ModeOffset = 100, ModeLength = 8;
    public const int UidOffset = 108, GidOffset = 116, IdLength = 8;
    public const int SizeOffset = 124, SizeLength = 12;
    public const int MtimeOffset = 136, MtimeLength = 12;
    public const int ChecksumOffset = 148, ChecksumLength = 8;
    public const int TypeFlagOffset = 156;
    public const int LinkNameOffset = 157, LinkNameLength = 100;
    public const int MagicOffset = 257;
    public const int PrefixOffset = 345, PrefixLength = 155;

    /// <summary>Largest size the 11 octal digits of the size field hold; larger files need a PAX "size" record.</summary>
    public const long MaxOctalSize = (1L << 33) - 1;

    /// <summary>POSIX magic "ustar\0" followed by version "00".</summary>
    public static ReadOnlySpan<byte> PosixMagic => "ustar\000"u8;

    /// <summary>GNU tar's magic, recognised only to give a precise error.</summary>
    public static ReadOnlySpan<byte> GnuMagic => "ustar  \0"u8;

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The header checksum: the byte sum with the checksum field counted as spaces.</summary>
    public static int Checksum(ReadOnlySpan<byte> block)
    {
        var sum = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            sum += i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? ' ' : block[i];
        }

        return sum;
    }

    /// <summary>
    /// Parses an octal field: optional leading spaces, octal digits, then only NULs or spaces. GNU base-256 numbers
    /// are refused rather than half-supported.
    /// </summary>
    public static long ParseOctal(ReadOnlySpan<byte> field, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            throw new PackageException($"payload: tar {what} field uses base-256 encoding, which packages may not use");
        }

        var i = 0;
        while (i < field.Length && field[i] == ' ')
        {
            i++;
        }

        long value = 0;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
        {
            value = (value << 3) | (uint)(field[i] - '0');
        }

        for (; i < field.Length; i++)
        {
            if (field[i] is not (0 or (byte)' '))
            {
                throw new PackageException($"payload: tar {what} field is not an octal number");
            }
        }

        return value;
    }

    /// <summary>Writes <paramref name="value"/> as zero-padded octal digits followed by a NUL.</summary>
    public static void WriteOctal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        if (digits.Length > field.Length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Too large for the tar field.");
        }

        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    /// <summary>
    /// Decodes a NUL-terminated text field. Bytes after the terminator must be NUL too: hidden data there is either
    /// corruption or an attempt to show different names to different tar readers.
    /// </summary>
    public static string ParseText(ReadOnlySpan<byte> field, string what)
    {
        var end = field.IndexOf((byte)0);
        if (end < 0)
        {
            end = field.Length;
        }
        else if (field[end..].ContainsAnyExcept((byte)0))
        {
            throw new PackageException($"payload: tar {what} field has data after its terminating NUL");
        }

        return DecodeUtf8(field[..end], what);
    }

    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new PackageException($"payload: tar {what} is not valid UTF-8", e);
        }
    }
}
