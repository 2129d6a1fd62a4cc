using System.Text;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Security;
using Outpost.Data;

namespace Outpost.Server.Encryption;

/// <summary>
/// Encrypts secrets kept in the metadata database (authenticator keys, recovery codes, stored credentials) under a
/// key derived from the server secrets key, bound to the row they belong to. Stored as <c>enc1:</c> and base64.
/// </summary>
public sealed class DatabaseSecrets(KeyRing keys)
{
    private const string Prefix = "enc1:";
    private readonly byte[] _key = keys.SecretsKey("database");

    /// <summary>Encrypts <paramref name="value"/> for the place <paramref name="context"/> names (table, row, field).</summary>
    public string Protect(string value, string context) => Prefix + Convert.ToBase64String(SealedBox.Seal(_key, Encoding.UTF8.GetBytes(value), context));

    /// <summary>
    /// Decrypts a value from <see cref="Protect"/>. A value without the prefix was stored before encryption and is
    /// returned as it is (<see cref="ProtectExistingAsync"/> encrypts those at start).
    /// </summary>
    public string Unprotect(string stored, string context)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var bytes = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored[Prefix.Length..], bytes, out var length))
        {
            throw new SealedBoxException($"the stored secret for {context} is not valid base64");
        }

        return Encoding.UTF8.GetString(SealedBox.Open(_key, bytes.AsSpan(0, length), context));
    }

    /// <summary>The context that binds an Identity token (authenticator key, recovery codes) to its row.</summary>
    public static string TokenContext(string userId, string loginProvider, string name) => $"outpost user token {userId}/{loginProvider}/{name}";

    /// <summary>Encrypts the Identity tokens a server from before encryption stored in plaintext.</summary>
    public async Task<int> ProtectExistingAsync(OutpostDbContext db, CancellationToken ct = default)
    {
        var plain = await db.UserTokens.Where(t => t.Value != null && !t.Value.StartsWith(Prefix)).ToListAsync(ct);
        foreach (var token in plain)
        {
            token.Value = Protect(token.Value!, TokenContext(token.UserId, token.LoginProvider, token.Name));
        }

        await db.SaveChangesAsync(ct);
        return plain.Count;
    }
}
