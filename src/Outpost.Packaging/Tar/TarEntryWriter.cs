using System.Globalization;
using System.Text;

namespace Outpost.Packaging;

/// <summary>
/// Writes the POSIX pax tar subset that <see cref="TarEntryReader"/> reads. It replaces System.Formats.Tar.TarWriter
/// because that writer puts the process id into pax header names, so packing the same folder twice gave different
/// bytes. Owners, times and header names here are fixed, which makes packages reproducible.
/// </summary>
internal sealed class TarEntryWriter(Stream stream)
{
    /// <summary>Modification time of every entry: 2000-01-01T00:00:00Z. The sandbox mounts the tree read-only anyway.</summary>
    public const long FixedModificationTime = 946_684_800;

    private const string PaxHeaderName = "PaxHeader";

    private static readonly byte[] _zeros = new byte[TarLayout.BlockSize];

    public ValueTask WriteDirectoryAsync(string name, int mode, CancellationToken ct) =>
        WriteHeaderAsync(name, TarEntryHeader.Directory, mode, 0, "", ct);

    public ValueTask WriteSymlinkAsync(string name, string target, CancellationToken ct) =>
        WriteHeaderAsync(name, TarEntryHeader.SymbolicLink, 0x1FF, 0, target, ct);

    /// <summary>Writes a regular file of exactly <paramref name="size"/> bytes taken from <paramref name="content"/>.</summary>
    public async ValueTask WriteFileAsync(string name, int mode, Stream content, long size, CancellationToken ct)
    {
        await WriteHeaderAsync(name, TarEntryHeader.RegularFile, mode, size, "", ct);
        var buffer = new byte[81920];
        var left = size;
        while (left > 0)
        {
            var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                throw new PackageException($"'{name}' shrank while it was being packed; pack again");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), ct);
            left -= read;
        }

        await WritePaddingAsync(size, ct);
    }

    /// <summary>
    /// Writes one header, preceded by a pax extended header when the name, link target or size does not fit the
    /// ustar fields. No validation: tests use this to build hostile archives.
    /// </summary>
    public async ValueTask WriteHeaderAsync(
        string name, byte typeFlag, int mode, long size, string linkName, CancellationToken ct,
        IReadOnlyList<KeyValuePair<string, string>>? extraPaxRecords = null)
    {
        var pax = new List<KeyValuePair<string, string>>();
        if (!FitsUstar(name, TarLayout.NameLength))
        {
            pax.Add(new("path", name));
        }

        if (!FitsUstar(linkName, TarLayout.LinkNameLength))
        {
            pax.Add(new("linkpath", linkName));
        }

        if (size > TarLayout.MaxOctalSize)
        {
            pax.Add(new("size", size.ToString(CultureInfo.InvariantCulture)));
        }

        pax.AddRange(extraPaxRecords ?? []);
        if (pax.Count > 0)
        {
            var records = PaxRecords.Format(pax);
            await stream.WriteAsync(Block(PaxHeaderName, TarEntryHeader.ExtendedHeader, 0x1A4, records.Length, ""), ct);
            await stream.WriteAsync(records, ct);
            await WritePaddingAsync(records.Length, ct);
        }

        await stream.WriteAsync(Block(name, typeFlag, mode, Math.Min(size, TarLayout.MaxOctalSize), linkName), ct);
    }

    /// <summary>Writes the end-of-archive marker.</summary>
    public async ValueTask FinishAsync(CancellationToken ct)
    {
        await stream.WriteAsync(_zeros, ct);
        await stream.WriteAsync(_zeros, ct);
    }

    private static bool FitsUstar(string text, int fieldLength) =>
        text.Length <= fieldLength && Ascii.IsValid(text) && !text.Contains('\0');

    private static byte[] Block(string name, byte typeFlag, int mode, long size, string linkName)
    {
        var block = new byte[TarLayout.BlockSize];
        var span = block.AsSpan();
        // When the real name is in a pax record this field only needs to be harmless for tools without pax support.
        WriteText(span.Slice(TarLayout.NameOffset, TarLayout.NameLength), name);
        TarLayout.WriteOctal(span.Slice(TarLayout.ModeOffset, TarLayout.ModeLength), mode);
        TarLayout.WriteOctal(span.Slice(TarLayout.UidOffset, TarLayout.IdLength), 0);
        TarLayout.WriteOctal(span.Slice(TarLayout.GidOffset, TarLayout.IdLength), 0);
        TarLayout.WriteOctal(span.Slice(TarLayout.SizeOffset, TarLayout.SizeLength), size);
        TarLayout.WriteOctal(span.Slice(TarLayout.MtimeOffset, TarLayout.MtimeLength), FixedModificationTime);
        block[TarLayout.TypeFlagOffset] = typeFlag;
        WriteText(span.Slice(TarLayout.LinkNameOffset, TarLayout.LinkNameLength), linkName);
        TarLayout.PosixMagic.CopyTo(span[TarLayout.MagicOffset..]);
        var checksum = Convert.ToString(TarLayout.Checksum(span), 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(checksum, span.Slice(TarLayout.ChecksumOffset, 6));
        block[TarLayout.ChecksumOffset + 6] = 0;
        block[TarLayout.ChecksumOffset + 7] = (byte)' ';
        return block;
    }

    private static void WriteText(Span<byte> field, string text)
    {
        var ascii = FitsUstar(text, field.Length)
            ? text
            : new string([.. text.Select(c => c is > ' ' and < (char)0x7F ? c : '_').Take(field.Length)]);
        Encoding.ASCII.GetBytes(ascii, field);
    }

    private ValueTask WritePaddingAsync(long size, CancellationToken ct)
    {
        var padding = (int)((TarLayout.BlockSize - (size % TarLayout.BlockSize)) % TarLayout.BlockSize);
        return padding == 0 ? ValueTask.CompletedTask : stream.WriteAsync(_zeros.AsMemory(0, padding), ct);
    }
}
