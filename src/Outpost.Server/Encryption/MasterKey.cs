using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using Outpost.Core.Security;

namespace Outpost.Server.Encryption;

/// <summary>
/// The server's master key: 32 bytes from which every key-encryption key is derived (HKDF-SHA256, one label per
/// purpose). It wraps keys; it never encrypts data itself, so replacing it re-wraps keys and re-encrypts no data.
/// </summary>
public sealed class MasterKey
{
    /// <summary>Key size in bytes.</summary>
    public const int Size = 32;

    private const int SaltSize = 16;
    private readonly byte[] _key;

    private MasterKey(byte[] key)
    {
        _key = key;
        Id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 8, info: Encoding.UTF8.GetBytes("outpost/master-key-id")));
    }

    /// <summary>A check value that names the key (16 hex characters): equal ids mean the same key, and it reveals nothing about the key.</summary>
    public string Id { get; }

    /// <summary>A new random key.</summary>
    public static MasterKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>Reads a key written by <see cref="Encode"/>; throws <see cref="MasterKeyException"/> saying what is wrong with <paramref name="where"/>.</summary>
    public static MasterKey Decode(string text, string where)
    {
        var bytes = new byte[Size + 3];
        if (!Convert.TryFromBase64String(text.Trim(), bytes, out var written) || written != Size)
        {
            throw new MasterKeyException($"{where} is not an Outpost master key: expected {Size} bytes in base64 (44 characters, as 'openssl rand -base64 32' prints).");
        }

        return new MasterKey(bytes[..Size]);
    }

    /// <summary>A key derived from a passphrase with Argon2id (64 MiB, 3 passes): slow on purpose, since people choose passphrases.</summary>
    public static MasterKey FromPassphrase(string passphrase, byte[] salt)
    {
        if (string.IsNullOrEmpty(passphrase))
        {
            throw new MasterKeyException("The master passphrase is empty.");
        }

        var argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 64 * 1024, NumberOfPasses = 3 });
        return new MasterKey(argon.DeriveBytes(passphrase, salt, Size));
    }

    /// <summary>A fresh salt for <see cref="FromPassphrase"/>.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltSize);

    /// <summary>The key as written to the key file: base64 and a newline.</summary>
    public string Encode() => Convert.ToBase64String(_key) + "\n";

    /// <summary>Encrypts a key under this master key, bound to <paramref name="context"/> (what the key is and whose).</summary>
    public byte[] Wrap(ReadOnlySpan<byte> key, string context) => SealedBox.Seal(KeyEncryptionKey(), key, context);

    /// <summary>Decrypts a key from <see cref="Wrap"/>; throws <see cref="MasterKeyException"/> when it was wrapped under another key or damaged.</summary>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string context)
    {
        try
        {
            return SealedBox.Open(KeyEncryptionKey(), wrapped, context);
        }
        catch (SealedBoxException e)
        {
            throw new MasterKeyException($"The key for {context} cannot be unwrapped with master key {Id}: {e.Message}.");
        }
    }

    private byte[] KeyEncryptionKey() => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, SealedBox.KeySize, info: Encoding.UTF8.GetBytes("outpost/key-encryption-key/v1"));
}

/// <summary>The master key is missing, malformed or wrong; the message says which and what to do. Nothing was changed.</summary>
public sealed class MasterKeyException(string message) : Exception(message);
