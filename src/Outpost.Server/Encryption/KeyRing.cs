using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Encryption;
using Outpost.Data.Grains;

namespace Outpost.Server.Encryption;

/// <summary>
/// The running server's keys: the master key, and the server secrets key unwrapped from the database, from which
/// the keys of database secrets and cookie keys are derived. Grain keys are unwrapped on demand, never cached.
/// </summary>
public sealed class KeyRing
{
    /// <summary>Name of the server-wide key that database secrets and Data Protection keys are derived from.</summary>
    public const string ServerSecretsName = "server-secrets";

    private readonly MasterKey _master;
    private readonly byte[] _serverSecrets;

    private KeyRing(MasterKey master, byte[] serverSecrets)
    {
        _master = master;
        _serverSecrets = serverSecrets;
    }

    /// <summary>Id of the master key in use.</summary>
    public string MasterKeyId => _master.Id;

    /// <summary>Unwraps the server secrets key (creating it at first run).</summary>
    public static async Task<KeyRing> OpenAsync(OutpostDbContext db, MasterKey master, CancellationToken ct = default)
    {
        var row = await db.WrappedKeys.FirstOrDefaultAsync(k => k.Name == ServerSecretsName, ct);
        if (row is null)
        {
            var key = RandomNumberGenerator.GetBytes(SealedBox.KeySize);
            db.WrappedKeys.Add(new WrappedKey { Name = ServerSecretsName, MasterKeyId = master.Id, Value = master.Wrap(key, WrapContext(ServerSecretsName)) });
            await db.SaveChangesAsync(ct);
            return new KeyRing(master, key);
        }

        return new KeyRing(master, master.Unwrap(row.Value, WrapContext(row.Name)));
    }

    /// <summary>What a server-wide key's wrapping is bound to.</summary>
    public static string WrapContext(WrappedKey key) => WrapContext(key.Name);

    /// <summary>What a grain key's wrapping is bound to: its grain, so a wrapped key copied to another row does not open.</summary>
    public static string WrapContext(GrainRecord grain) => $"outpost grain key {grain.Id}";

    /// <summary>Gives <paramref name="grain"/> a new random storage key, wrapped in its row (saved by the caller).</summary>
    public byte[] AssignGrainKey(GrainRecord grain)
    {
        var key = RandomNumberGenerator.GetBytes(SealedBox.KeySize);
        grain.StorageKey = _master.Wrap(key, WrapContext(grain));
        grain.StorageKeyId = _master.Id;
        return key;
    }

    /// <summary>Unwraps the grain's storage key; throws <see cref="MasterKeyException"/> when it is missing or under another master key.</summary>
    public byte[] GrainKey(GrainRecord grain)
    {
        if (grain.StorageKey is null)
        {
            throw new MasterKeyException($"Grain {grain.Id} has no storage key.");
        }

        if (grain.StorageKeyId != _master.Id)
        {
            throw new MasterKeyException($"Grain {grain.Id}'s key is wrapped under master key {grain.StorageKeyId}, not the current {_master.Id}: finish the key rotation with 'outpost key rotate'.");
        }

        return _master.Unwrap(grain.StorageKey, WrapContext(grain));
    }

    /// <summary>Wraps <paramref name="key"/> under the master key itself, for a copy kept outside the database (a backup repository's key file).</summary>
    public byte[] WrapUnderMasterKey(ReadOnlySpan<byte> key, string context) => _master.Wrap(key, context);

    /// <summary>A key for one purpose of server secrets (e.g. database secrets), derived from the server secrets key.</summary>
    public byte[] SecretsKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _serverSecrets, SealedBox.KeySize, info: Encoding.UTF8.GetBytes("outpost/secrets/" + purpose));

    private static string WrapContext(string name) => $"outpost server key {name}";
}

/// <summary>The keys derived from one grain's storage key.</summary>
public static class GrainKeys
{
    /// <summary>The password of the grain's gocryptfs volume (which holds its own content key, encrypted under it).</summary>
    public static string StoragePassword(byte[] grainKey) => Convert.ToBase64String(Derive(grainKey, "outpost/grain-storage/v1"));

    /// <summary>The key of the grain's encrypted log.</summary>
    public static byte[] LogKey(byte[] grainKey) => Derive(grainKey, "outpost/grain-log/v1");

    private static byte[] Derive(byte[] grainKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, grainKey, SealedBox.KeySize, info: Encoding.UTF8.GetBytes(purpose));
}
