using System.Security.Cryptography;
using System.Text;

namespace Outpost.Core.Security;

/// <summary>Creates unguessable tokens and compares them against their stored hashes.</summary>
public static class SecretToken
{
    /// <summary>Returns a new random token: 128 bits from the OS CSPRNG, as 32 lowercase hex characters.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Returns a longer random token (256 bits) for credentials that live long, such as API tokens.</summary>
    public static string NewLong() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Hashes a token for storage. Tokens are already high-entropy, so a plain SHA-256 is enough (no salt or stretching needed).</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares a presented token to a stored hash in constant time.</summary>
    public static bool Matches(string? token, string? storedHash)
    {
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(storedHash))
        {
            return false;
        }

        var presented = Encoding.ASCII.GetBytes(Hash(token));
        var stored = Encoding.ASCII.GetBytes(storedHash);
        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    /// <summary>True when <paramref name="value"/> looks like a token made by <see cref="New"/> (32 lowercase hex).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.Length != 32)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
