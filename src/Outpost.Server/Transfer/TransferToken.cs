using System.Security.Cryptography;
using System.Text;
using Outpost.Core.Security;
using Outpost.Packaging;

namespace Outpost.Server.Transfer;

/// <summary>
/// The offer's token and what is derived from it. Both servers know the token, and nobody else: the backups travel
/// encrypted and authenticated with a key derived from it, so they are checked end to end and not merely by TLS.
/// </summary>
internal static class TransferToken
{
    /// <summary>A new token: 256 bits from the OS CSPRNG, 64 lowercase hex characters.</summary>
    public static string New() => SecretToken.NewLong();

    /// <summary>True for something shaped like a token (so a pasted fragment is caught before any request).</summary>
    public static bool IsWellFormed(string token) => token.Length == 64 && token.All(char.IsAsciiHexDigitLower);

    /// <summary>The backup key every backup of the offer is encrypted with: HKDF-SHA256(token, info "outpost transfer").</summary>
    public static BackupKey BackupKeyOf(string token) => BackupKey.FromSecret(Derive(token, "outpost transfer"));

    /// <summary>How the receiving server remembers an offer without storing its token or the hash the offering server keeps.</summary>
    public static string OfferKeyOf(string token) => Convert.ToHexStringLower(Derive(token, "outpost transfer offer key"));

    private static byte[] Derive(string token, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token), 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));
}
