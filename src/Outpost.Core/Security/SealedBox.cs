using System.Security.Cryptography;
using System.Text;

namespace Outpost.Core.Security;

/// <summary>
/// Authenticated encryption of small values (keys, secrets, log records) with AES-256-GCM: a version byte, a random
/// 96-bit nonce, the ciphertext and a 128-bit tag. The context is bound as associated data, so a value sealed for one
/// purpose or row cannot be moved to another.
/// </summary>
public static class SealedBox
{
    /// <summary>Key size in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Bytes a sealed value adds to its plaintext.</summary>
    public const int Overhead = 1 + NonceSize + TagSize;

    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/>, bound to <paramref name="context"/>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string context)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), Encoding.UTF8.GetBytes(context));
        return output;
    }

    /// <summary>Decrypts a value from <see cref="Seal"/>; throws <see cref="SealedBoxException"/> when it is damaged, forged, or sealed under another key or context.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedValue, string context)
    {
        if (sealedValue.Length < Overhead || sealedValue[0] != Version)
        {
            throw new SealedBoxException("the encrypted value is truncated or of an unknown format");
        }

        var plaintext = new byte[sealedValue.Length - Overhead];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedValue.Slice(1, NonceSize), sealedValue.Slice(1 + NonceSize, plaintext.Length), sealedValue[^TagSize..], plaintext, Encoding.UTF8.GetBytes(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SealedBoxException("the encrypted value is damaged or was encrypted under another key");
        }

        return plaintext;
    }
}

/// <summary>A sealed value could not be opened; the message says why, never with key material.</summary>
public sealed class SealedBoxException(string message) : Exception(message);
