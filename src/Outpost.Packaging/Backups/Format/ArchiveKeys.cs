using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// The per-backup keys, all derived with HKDF-SHA256 from the backup key (or the passphrase's Argon2id output) and
/// the header's random archive salt: a key check key, and the AES-256-GCM key plus nonce prefix of the chunks.
/// A fresh salt per backup means a fresh chunk key per backup, even when one exported key protects many backups, so
/// counter nonces never repeat under one key.
/// </summary>
/// <remarks>
/// AES-256-GCM through .NET (OpenSSL) rather than libsodium: it runs on AES instructions where the CPU has them and
/// in software where it does not (libsodium's AES-GCM refuses to run there), so a backup made on one server restores
/// on any other. On the reference machine libsodium's XChaCha20-Poly1305 sealed 294 MiB/s per core, AES-GCM over
/// 2 GiB/s, and the cipher was the bottleneck of a backup (docs/benchmarks.md).
/// </remarks>
internal sealed class ArchiveKeys : IDisposable
{
    public const int TagSize = 16;
    private const int NonceSize = 12;
    private const int NoncePrefixSize = 3;

    private readonly AesGcm _aead;
    private readonly byte[] _noncePrefix;
    private readonly byte[] _associatedData;

    private ArchiveKeys(AesGcm aead, byte[] noncePrefix, byte[] associatedData)
    {
        _aead = aead;
        _noncePrefix = noncePrefix;
        _associatedData = associatedData;
    }

    /// <summary>The public id of an exported backup key: a one-way function of it, safe to print and store.</summary>
    public static byte[] KeyIdOf(ReadOnlySpan<byte> key)
    {
        var id = new byte[BackupHeader.KeyIdSize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, id, [], "outpost-backup-1 key id"u8);
        return id;
    }

    /// <summary>HMAC-SHA256 of the header's first bytes with a key only the right backup key yields.</summary>
    public static byte[] KeyCheck(ReadOnlySpan<byte> master, ReadOnlySpan<byte> archiveSalt, ReadOnlySpan<byte> headerPrefix)
    {
        Span<byte> checkKey = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, checkKey, archiveSalt, "outpost-backup-1 key check"u8);
        var check = HMACSHA256.HashData(checkKey, headerPrefix);
        CryptographicOperations.ZeroMemory(checkKey);
        return check;
    }

    /// <summary>The chunk keys of one backup; every chunk authenticates <paramref name="header"/> as associated data.</summary>
    public static ArchiveKeys Derive(ReadOnlySpan<byte> master, ReadOnlySpan<byte> archiveSalt, byte[] header)
    {
        Span<byte> material = stackalloc byte[32 + NoncePrefixSize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, material, archiveSalt, "outpost-backup-1 chunks"u8);
        var aead = new AesGcm(material[..32], TagSize);
        var prefix = material[32..].ToArray();
        CryptographicOperations.ZeroMemory(material);
        return new ArchiveKeys(aead, prefix, header);
    }

    /// <summary>Encrypts chunk number <paramref name="index"/>; <paramref name="ciphertext"/> is the plaintext length plus <see cref="TagSize"/>.</summary>
    public void Seal(long index, bool final, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Nonce(index, final, nonce);
        _aead.Encrypt(nonce, plaintext, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..], _associatedData);
    }

    /// <summary>Decrypts and authenticates one chunk; false when it is not exactly chunk <paramref name="index"/> of this backup.</summary>
    public bool Open(long index, bool final, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Nonce(index, final, nonce);
        try
        {
            _aead.Decrypt(nonce, ciphertext[..^TagSize], ciphertext[^TagSize..], plaintext, _associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _aead.Dispose();

    // STREAM construction: prefix ‖ 64-bit chunk counter ‖ final flag. The counter stops reordering and duplication,
    // the flag stops truncation at a chunk boundary.
    private void Nonce(long index, bool final, Span<byte> nonce)
    {
        _noncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[NoncePrefixSize..], index);
        nonce[^1] = final ? (byte)1 : (byte)0;
    }
}
