using System.Buffers.Binary;
using System.Text;
using Outpost.Core.Security;

namespace Outpost.Sandboxing;

/// <summary>
/// The on-disk form of an encrypted grain log: a header line, then records, each a 4-byte little-endian length
/// and a <see cref="SealedBox"/> of one append. Appends stay cheap (no re-encryption of what is there) and a record
/// cut short by a crash costs only that record.
/// </summary>
internal static class EncryptedLogFormat
{
    /// <summary>Largest record accepted when reading: a damaged length must not make the reader allocate gigabytes.</summary>
    public const int MaxRecordBytes = 16 * 1024 * 1024;

    private const string Context = "outpost/grain-log/v1";

    /// <summary>Marks the file as an encrypted log (and says what it is to someone who opens it).</summary>
    public static ReadOnlySpan<byte> Header => "outpost encrypted log v1\n"u8;

    public static bool HasHeader(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> start = stackalloc byte[Header.Length];
            return stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(Header);
        }
        catch (FileNotFoundException)
        {
            // Nothing to keep or to delete.
            return true;
        }
    }

    public static byte[] Record(byte[] key, ReadOnlySpan<byte> data)
    {
        var sealedData = SealedBox.Seal(key, data, Context);
        var record = new byte[4 + sealedData.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, sealedData.Length);
        sealedData.CopyTo(record, 4);
        return record;
    }

    /// <summary>Decrypts every record; a damaged one ends the file with a note saying so rather than failing the whole read.</summary>
    public static byte[] ReadAll(Stream stream, byte[] key)
    {
        using var output = new MemoryStream();
        foreach (var record in Records(stream, key, output))
        {
            output.Write(record);
        }

        return output.ToArray();
    }

    /// <summary>The last plaintext byte of the log, or -1 when empty or unreadable. Skips from length to length and decrypts only the last record.</summary>
    public static int LastByte(string path, byte[] key)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = new byte[4];
        long last = -1;
        for (var position = (long)Header.Length; position + 4 <= stream.Length;)
        {
            stream.Position = position;
            stream.ReadExactly(length);
            var size = BinaryPrimitives.ReadInt32LittleEndian(length);
            if (size is < SealedBox.Overhead or > MaxRecordBytes || position + 4 + size > stream.Length)
            {
                break;
            }

            last = position;
            position += 4 + size;
        }

        if (last < 0)
        {
            return -1;
        }

        stream.Position = last;
        stream.ReadExactly(length);
        var sealedData = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
        stream.ReadExactly(sealedData);
        try
        {
            var plaintext = SealedBox.Open(key, sealedData, Context);
            return plaintext.Length > 0 ? plaintext[^1] : -1;
        }
        catch (SealedBoxException)
        {
            return -1;
        }
    }

    private static IEnumerable<byte[]> Records(Stream stream, byte[] key, Stream notes)
    {
        var header = new byte[Header.Length];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length || !header.AsSpan().SequenceEqual(Header))
        {
            Note(notes, "this log is not an Outpost encrypted log");
            yield break;
        }

        var length = new byte[4];
        while (true)
        {
            var read = stream.ReadAtLeast(length, 4, throwOnEndOfStream: false);
            if (read == 0)
            {
                yield break;
            }

            var size = BinaryPrimitives.ReadInt32LittleEndian(length);
            if (read < 4 || size is < SealedBox.Overhead or > MaxRecordBytes)
            {
                Note(notes, "the rest of this log is damaged");
                yield break;
            }

            var sealedData = new byte[size];
            if (stream.ReadAtLeast(sealedData, size, throwOnEndOfStream: false) < size)
            {
                Note(notes, "the last record of this log was cut short");
                yield break;
            }

            byte[] plaintext;
            try
            {
                plaintext = SealedBox.Open(key, sealedData, Context);
            }
            catch (SealedBoxException e)
            {
                Note(notes, $"the rest of this log cannot be read: {e.Message}");
                yield break;
            }

            yield return plaintext;
        }
    }

    private static void Note(Stream notes, string message) => notes.Write(Encoding.UTF8.GetBytes($"\n[outpost] {message}\n"));
}
