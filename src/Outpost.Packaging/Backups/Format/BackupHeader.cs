using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>How the key of a backup is obtained.</summary>
internal enum BackupKeyKind : byte
{
    /// <summary>Derived from a passphrase with Argon2id; the parameters and salt are in the header.</summary>
    Passphrase = 1,

    /// <summary>A random 256-bit backup key the user exported; its id is in the header.</summary>
    BackupKey = 2,
}

/// <summary>Argon2id cost parameters (libsodium fixes the parallelism at 1).</summary>
internal sealed record Argon2Settings(int MemoryKib, int Passes)
{
    /// <summary>64 MiB and 3 passes: about a third of a second on a small server, once per backup or restore.</summary>
    public static Argon2Settings Default { get; } = new(64 * 1024, 3);

    /// <summary>More than this is refused when reading, so a crafted header cannot make a restore allocate gigabytes.</summary>
    public const int MaxMemoryKib = 1024 * 1024;

    /// <summary>More passes than this are refused when reading, so a crafted header cannot stall a restore for hours.</summary>
    public const int MaxPasses = 16;
}

/// <summary>
/// The plaintext header of a backup file (see docs/design/backup-format.md). Fixed size, big-endian:
/// magic "OUTPOST-BACKUP", format version, key kind, chunk size, 24 bytes of key parameters (Argon2id memory,
/// passes and salt, or the backup key's id), a random archive salt, a key check value (HMAC with a key derived from
/// the backup key, so a wrong passphrase is told apart from damage), and a SHA-256 of everything before it (so damage
/// to the header is told apart from a wrong passphrase). Every chunk authenticates the whole header as associated data.
/// </summary>
internal sealed record BackupHeader(
    BackupKeyKind KeyKind, int ChunkSize, Argon2Settings? Argon2, byte[] KdfSalt, byte[] KeyId, byte[] ArchiveSalt, byte[] KeyCheck)
{
    public const int FormatVersion = 1;
    public const int DefaultChunkSize = 64 * 1024;
    public const int MinChunkSize = 4 * 1024;
    public const int MaxChunkSize = 1024 * 1024;
    public const int KdfSaltSize = 16;
    public const int KeyIdSize = 16;
    public const int ArchiveSaltSize = 32;
    public const int KeyCheckSize = 32;
    public const int Size = MagicLength + 1 + 1 + 4 + ParametersSize + ArchiveSaltSize + KeyCheckSize + HashSize;

    private const int MagicLength = 14;
    private const int ParametersSize = 24;
    private const int HashSize = 32;
    private const int ParametersOffset = MagicLength + 6;
    private const int ArchiveSaltOffset = ParametersOffset + ParametersSize;
    private const int KeyCheckOffset = ArchiveSaltOffset + ArchiveSaltSize;
    private const int HashOffset = KeyCheckOffset + KeyCheckSize;

    public static ReadOnlySpan<byte> Magic => "OUTPOST-BACKUP"u8;

    /// <summary>The bytes the key check value is computed over: everything before it.</summary>
    public static int KeyCheckedLength => KeyCheckOffset;

    /// <summary>Encodes the header; <see cref="KeyCheck"/> must already be computed over <see cref="ToBytes"/>'s prefix.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[MagicLength] = FormatVersion;
        span[MagicLength + 1] = (byte)KeyKind;
        BinaryPrimitives.WriteInt32BigEndian(span[(MagicLength + 2)..], ChunkSize);
        var parameters = span.Slice(ParametersOffset, ParametersSize);
        if (KeyKind == BackupKeyKind.Passphrase)
        {
            BinaryPrimitives.WriteInt32BigEndian(parameters, Argon2!.MemoryKib);
            BinaryPrimitives.WriteInt32BigEndian(parameters[4..], Argon2.Passes);
            KdfSalt.CopyTo(parameters[8..]);
        }
        else
        {
            KeyId.CopyTo(parameters);
        }

        ArchiveSalt.CopyTo(span[ArchiveSaltOffset..]);
        KeyCheck.CopyTo(span[KeyCheckOffset..]);
        SHA256.HashData(span[..HashOffset], span[HashOffset..]);
        return bytes;
    }

    /// <summary>Reads and checks a header, refusing anything this version would have to guess about.</summary>
    public static async Task<(BackupHeader Header, byte[] Bytes)> ReadAsync(Stream stream, CancellationToken ct)
    {
        var bytes = new byte[Size];
        var read = await stream.ReadAtLeastAsync(bytes, Size, throwOnEndOfStream: false, ct);
        var span = bytes.AsSpan(0, read);
        if (read < MagicLength || !span[..MagicLength].SequenceEqual(Magic))
        {
            throw new BackupException("this file is not an Outpost backup (it does not start with OUTPOST-BACKUP)");
        }

        if (read < Size)
        {
            throw new BackupException($"the backup is truncated: it ends at byte {read}, inside its {Size}-byte header");
        }

        if (!SHA256.HashData(span[..HashOffset]).AsSpan().SequenceEqual(span[HashOffset..]))
        {
            throw new BackupException($"the backup is damaged in its header (bytes 0 to {Size - 1}); it cannot be read");
        }

        if (span[MagicLength] != FormatVersion)
        {
            throw new BackupException(
                $"this backup uses format version {span[MagicLength]}; this server reads version {FormatVersion}. Restore it on a newer Outpost.");
        }

        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(span[(MagicLength + 2)..]);
        if (chunkSize is < MinChunkSize or > MaxChunkSize)
        {
            throw new BackupException($"the backup's header declares chunks of {chunkSize} bytes; between {MinChunkSize} and {MaxChunkSize} are allowed");
        }

        var parameters = span.Slice(ParametersOffset, ParametersSize);
        var archiveSalt = span.Slice(ArchiveSaltOffset, ArchiveSaltSize).ToArray();
        var keyCheck = span.Slice(KeyCheckOffset, KeyCheckSize).ToArray();
        var header = (BackupKeyKind)span[MagicLength + 1] switch
        {
            BackupKeyKind.Passphrase => new BackupHeader(
                BackupKeyKind.Passphrase, chunkSize, ReadArgon2(parameters), parameters[8..].ToArray(), [], archiveSalt, keyCheck),
            BackupKeyKind.BackupKey when !parameters[KeyIdSize..].ContainsAnyExcept((byte)0) => new BackupHeader(
                BackupKeyKind.BackupKey, chunkSize, null, [], parameters[..KeyIdSize].ToArray(), archiveSalt, keyCheck),
            _ => throw new BackupException("the backup's header names a key kind this server does not know; restore it on a newer Outpost"),
        };
        return (header, bytes);
    }

    private static Argon2Settings ReadArgon2(ReadOnlySpan<byte> parameters)
    {
        var memory = BinaryPrimitives.ReadInt32BigEndian(parameters);
        var passes = BinaryPrimitives.ReadInt32BigEndian(parameters[4..]);
        if (memory is < 8 or > Argon2Settings.MaxMemoryKib || passes is < 1 or > Argon2Settings.MaxPasses)
        {
            throw new BackupException(
                $"the backup's passphrase settings (Argon2id, {memory} KiB, {passes} passes) are outside what a restore accepts (at most {Argon2Settings.MaxMemoryKib} KiB and {Argon2Settings.MaxPasses} passes)");
        }

        return new Argon2Settings(memory, passes);
    }
}
