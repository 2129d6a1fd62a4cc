using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Outpost.Packaging.Tests;

/// <summary>
/// Assembles .opk files byte by byte from the layout in docs/packaging.md, independently of the library's writer,
/// so tests can produce anything a hostile publisher could.
/// </summary>
internal static class OpkFile
{
    public const int HeaderSize = 116;
    public const int PublicKeyOffset = 12;
    public const int SignatureOffset = 44;
    public const int LengthOffset = 108;

    public static readonly byte[] Magic = [0x89, (byte)'O', (byte)'P', (byte)'K', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A signed package holding <paramref name="payload"/> (already compressed).</summary>
    public static byte[] Assemble(byte[] payload, SigningKey key, uint formatVersion = 1)
    {
        var file = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(8), formatVersion);
        key.PublicKey.CopyTo(file, PublicKeyOffset);
        key.Sign(SignedMessage(payload)).CopyTo(file, SignatureOffset);
        BinaryPrimitives.WriteUInt64BigEndian(file.AsSpan(LengthOffset), (ulong)payload.Length);
        payload.CopyTo(file, HeaderSize);
        return file;
    }

    /// <summary>"outpost-opk-v1\0" || uint64be(payload length) || SHA-512(payload).</summary>
    public static byte[] SignedMessage(byte[] payload) =>
        [.. Encoding.ASCII.GetBytes("outpost-opk-v1\0"), .. BigEndian((ulong)payload.Length), .. SHA512.HashData(payload)];

    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The payload of an .opk file.</summary>
    public static byte[] Payload(byte[] opk) => opk[HeaderSize..];

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
