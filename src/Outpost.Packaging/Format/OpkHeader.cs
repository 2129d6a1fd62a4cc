using System.Buffers.Binary;
using System.Text;

namespace Outpost.Packaging;

/// <summary>
/// The fixed 116-byte header of an .opk file (docs/packaging.md has the byte layout):
/// magic, format version, signing public key, signature, payload length; the payload follows and ends the file.
/// </summary>
internal sealed record OpkHeader(byte[] PublicKey, byte[] Signature, long PayloadLength)
{
    /// <summary>Header size; the payload starts here.</summary>
    public const int Size = 116;

    /// <summary>The only container format version.</summary>
    public const uint FormatVersion = 1;

    public const int SignatureBytes = 64;

    private const int VersionOffset = 8;
    private const int PublicKeyOffset = 12;
    private const int SignatureOffset = PublicKeyOffset + AppId.PublicKeyBytes;
    private const int LengthOffset = SignatureOffset + SignatureBytes;

    /// <summary>
    /// Prefix of the signed message. Naming the format and its version means a signature made for anything else
    /// (another file type, a future format) can never verify as an Outpost package.
    /// </summary>
    private static readonly byte[] _signingDomain = Encoding.ASCII.GetBytes("outpost-opk-v1\0");

    /// <summary>
    /// PNG-style magic: the high byte catches 7-bit transfers, CR LF and LF catch newline conversion, and 0x1A stops
    /// `type` on DOS, so damaged copies fail on the first eight bytes.
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'O', (byte)'P', (byte)'K', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The bytes the Ed25519 signature covers: domain, payload length (big-endian) and SHA-512 of the payload.
    /// Signing a digest lets a reader stream the payload once and check the signature before parsing any of it.
    /// </summary>
    public static byte[] SignedMessage(long payloadLength, ReadOnlySpan<byte> payloadSha512)
    {
        var message = new byte[_signingDomain.Length + sizeof(ulong) + payloadSha512.Length];
        _signingDomain.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(_signingDomain.Length), (ulong)payloadLength);
        payloadSha512.CopyTo(message.AsSpan(_signingDomain.Length + sizeof(ulong)));
        return message;
    }

    /// <summary>Parses and checks the header of a file of <paramref name="fileLength"/> bytes.</summary>
    public static OpkHeader Parse(ReadOnlySpan<byte> header, long fileLength)
    {
        if (header.Length < Magic.Length || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new PackageException("not an Outpost package (.opk): the file does not start with the package magic bytes");
        }

        if (header.Length < Size)
        {
            throw new PackageException($"package is truncated: {fileLength} bytes is shorter than the {Size}-byte header");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(header[VersionOffset..]);
        if (version != FormatVersion)
        {
            throw new PackageException($"package format version {version} is not supported (this Outpost reads version {FormatVersion}); upgrade Outpost");
        }

        var length = BinaryPrimitives.ReadUInt64BigEndian(header[LengthOffset..]);
        var actual = fileLength - Size;
        if (length > (ulong)actual)
        {
            throw new PackageException($"package is truncated: the header announces {length} payload bytes but the file holds {actual}");
        }

        if (length < (ulong)actual)
        {
            throw new PackageException($"package has {actual - (long)length} unexpected bytes after the payload");
        }

        return new OpkHeader(
            header.Slice(PublicKeyOffset, AppId.PublicKeyBytes).ToArray(),
            header.Slice(SignatureOffset, SignatureBytes).ToArray(),
            (long)length);
    }

    /// <summary>The 116 header bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(VersionOffset), FormatVersion);
        PublicKey.CopyTo(bytes, PublicKeyOffset);
        Signature.CopyTo(bytes, SignatureOffset);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(LengthOffset), (ulong)PayloadLength);
        return bytes;
    }
}
