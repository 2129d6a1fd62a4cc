using System.Globalization;

namespace Outpost.Packaging;

/// <summary>
/// A strict, streaming reader for the POSIX pax/ustar subset packages use. It exists instead of
/// System.Formats.Tar.TarReader because that reader allocates whatever size a pax header declares before reading it
/// (a few hundred hostile bytes can demand gigabytes) and accepts formats packages never need (GNU, sparse).
/// Here every header is bounded, every declared size is visible to the caller before any data is read, and anything
/// unusual is an error rather than a guess.
/// </summary>
internal sealed class TarEntryReader(Stream stream)
{
    /// <summary>Largest pax extended header accepted; real ones hold a path, a link target and a size.</summary>
    public const int MaxPaxHeaderBytes = 64 * 1024;

    /// <summary>Zero padding tolerated after the end-of-archive marker (tar tools pad to 10 KiB records).</summary>
    public const int MaxTrailingBytes = 1024 * 1024;

    private readonly byte[] _block = new byte[TarLayout.BlockSize];
    private long _remaining;
    private int _padding;

    /// <summary>
    /// Moves to the next entry, skipping what is left of the current one. Returns null at a well-formed end of the
    /// archive. The entry's data is not read: the caller judges the header first, then reads with
    /// <see cref="ReadDataAsync"/> or moves on.
    /// </summary>
    public async ValueTask<TarEntryHeader?> NextAsync(CancellationToken ct)
    {
        await SkipAsync(_remaining + _padding, ct);
        _remaining = 0;
        _padding = 0;

        Dictionary<string, string>? pax = null;
        while (true)
        {
            if (!await ReadBlockAsync(ct))
            {
                throw new PackageException("payload is truncated: the tar archive ends without its end-of-archive marker");
            }

            if (!_block.AsSpan().ContainsAnyExcept((byte)0))
            {
                if (pax is not null)
                {
                    throw new PackageException("payload: a pax extended header is not followed by an entry");
                }

                await ReadEndAsync(ct);
                return null;
            }

            var header = ParseHeader(_block, pax);
            if (header.TypeFlag != TarEntryHeader.ExtendedHeader)
            {
                _remaining = header.Size;
                _padding = Padding(header.Size);
                return header;
            }

            if (pax is not null)
            {
                throw new PackageException("payload: two pax extended headers in a row");
            }

            if (header.Size > MaxPaxHeaderBytes)
            {
                throw new PackageException($"payload: a pax extended header declares {header.Size} bytes; at most {MaxPaxHeaderBytes} are allowed");
            }

            var data = new byte[header.Size];
            await ReadExactlyAsync(data, ct);
            await SkipAsync(Padding(header.Size), ct);
            pax = PaxRecords.Parse(data);
        }
    }

    /// <summary>Reads data of the current entry; returns 0 once all of it has been read.</summary>
    public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var read = await stream.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], ct);
        if (read == 0)
        {
            throw Truncated();
        }

        _remaining -= read;
        return read;
    }

    private static TarEntryHeader ParseHeader(byte[] block, Dictionary<string, string>? pax)
    {
        var span = block.AsSpan();
        var stored = (int)TarLayout.ParseOctal(span.Slice(TarLayout.ChecksumOffset, TarLayout.ChecksumLength), "checksum");
        if (stored != TarLayout.Checksum(span))
        {
            throw new PackageException("payload: tar header checksum mismatch (corrupt archive)");
        }

        var magic = span.Slice(TarLayout.MagicOffset, TarLayout.PosixMagic.Length);
        if (!magic.SequenceEqual(TarLayout.PosixMagic))
        {
            throw new PackageException(magic.SequenceEqual(TarLayout.GnuMagic)
                ? "payload: GNU-format tar headers are not supported; packages use POSIX pax tar (tar --format=posix)"
                : "payload: not a POSIX ustar/pax tar header");
        }

        var typeFlag = span[TarLayout.TypeFlagOffset];
        var mode = TarLayout.ParseOctal(span.Slice(TarLayout.ModeOffset, TarLayout.ModeLength), "mode");
        var size = TarLayout.ParseOctal(span.Slice(TarLayout.SizeOffset, TarLayout.SizeLength), "size");
        string? name = null, linkName = null;
        if (pax is not null)
        {
            foreach (var key in pax.Keys)
            {
                // Sparse files and alternative charsets change what the data or names mean; refuse rather than misread.
                if (key.StartsWith("GNU.sparse", StringComparison.Ordinal) || key == "hdrcharset")
                {
                    throw new PackageException($"payload: pax record '{key}' is not supported in packages");
                }
            }

            pax.TryGetValue("path", out name);
            pax.TryGetValue("linkpath", out linkName);
            if (pax.TryGetValue("size", out var paxSize)
                && !long.TryParse(paxSize, NumberStyles.None, CultureInfo.InvariantCulture, out size))
            {
                throw new PackageException("payload: pax 'size' record is not a non-negative integer");
            }
        }

        name ??= UstarName(span);
        linkName ??= TarLayout.ParseText(span.Slice(TarLayout.LinkNameOffset, TarLayout.LinkNameLength), "link name");
        return new TarEntryHeader(name, typeFlag, (int)Math.Min(mode, int.MaxValue), size, linkName);
    }

    private static string UstarName(ReadOnlySpan<byte> block)
    {
        var name = TarLayout.ParseText(block.Slice(TarLayout.NameOffset, TarLayout.NameLength), "name");
        var prefix = TarLayout.ParseText(block.Slice(TarLayout.PrefixOffset, TarLayout.PrefixLength), "name prefix");
        return prefix.Length == 0 ? name : $"{prefix}/{name}";
    }

    private async ValueTask ReadEndAsync(CancellationToken ct)
    {
        if (!await ReadBlockAsync(ct) || _block.AsSpan().ContainsAnyExcept((byte)0))
        {
            throw new PackageException("payload: the tar end-of-archive marker (two zero blocks) is incomplete");
        }

        // Whatever follows the marker is invisible to tar tools; allow only a little zero padding, so nothing can
        // hide there and a decompression bomb cannot start there.
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(_block, ct)) > 0)
        {
            total += read;
            if (total > MaxTrailingBytes || _block.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                throw new PackageException("payload: unexpected data after the tar end-of-archive marker");
            }
        }
    }

    private async ValueTask<bool> ReadBlockAsync(CancellationToken ct)
    {
        var read = await stream.ReadAtLeastAsync(_block, _block.Length, throwOnEndOfStream: false, ct);
        if (read == 0)
        {
            return false;
        }

        return read == _block.Length ? true : throw Truncated();
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct) != buffer.Length)
        {
            throw Truncated();
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            var read = await stream.ReadAsync(_block.AsMemory(0, (int)Math.Min(count, _block.Length)), ct);
            if (read == 0)
            {
                throw Truncated();
            }

            count -= read;
        }
    }

    private static int Padding(long size) => (int)((TarLayout.BlockSize - (size % TarLayout.BlockSize)) % TarLayout.BlockSize);

    private static PackageException Truncated() => new("payload is truncated: the tar archive ends in the middle of an entry");
}
