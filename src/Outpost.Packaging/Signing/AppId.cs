namespace Outpost.Packaging;

/// <summary>
/// App ids. An app is its signing key: the id is the Ed25519 public key in RFC 4648 base32, lowercase, without
/// padding (52 characters), so only the holder of the private key can publish versions of the app.
/// </summary>
public static class AppId
{
    /// <summary>Length of an Ed25519 public key in bytes.</summary>
    public const int PublicKeyBytes = 32;

    /// <summary>Length of an app id in characters.</summary>
    public const int Length = 52;

    /// <summary>The app id of a 32-byte Ed25519 public key.</summary>
    public static string FromPublicKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != PublicKeyBytes)
        {
            throw new ArgumentException($"An Ed25519 public key is {PublicKeyBytes} bytes, not {key.Length}.", nameof(key));
        }

        return Base32.Encode(key);
    }

    /// <summary>Whether <paramref name="appId"/> is the canonical text form of a 32-byte key.</summary>
    public static bool IsValid(string appId) => appId is not null && TryGetPublicKey(appId, out _);

    /// <summary>Decodes an app id back into its public key.</summary>
    internal static bool TryGetPublicKey(string appId, out byte[] key)
    {
        key = new byte[PublicKeyBytes];
        return Base32.TryDecode(appId, key);
    }
}
