using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// The secret a backup is encrypted with: a passphrase (stretched with Argon2id, whose parameters and salt travel in
/// the backup's header) or a random 256-bit backup key the user exports as a line of text and keeps elsewhere.
/// Whoever holds it can read every backup made with it; without it nobody can, the server included.
/// </summary>
public sealed class BackupKey : IDisposable
{
    /// <summary>Shortest passphrase accepted; a backup may leave the server, so guessing must be costly.</summary>
    public const int MinPassphraseLength = 8;

    /// <summary>First token of the key line; the number is the key text format version.</summary>
    internal const string KeyLinePrefix = "outpost-backup-key-1 ";

    private const int KeySize = 32;
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly BackupKeyKind _kind;
    private readonly byte[] _secret;
    private readonly Argon2Settings _argon2;
    private readonly byte[] _keyId;
    private readonly Lock _cacheLock = new();
    private bool _disposed;
    private (byte[] Salt, Argon2Settings Settings, byte[] Master)? _lastDerived;

    private BackupKey(BackupKeyKind kind, byte[] secret, Argon2Settings argon2)
    {
        _kind = kind;
        _secret = secret;
        _argon2 = argon2;
        _keyId = kind == BackupKeyKind.BackupKey ? ArchiveKeys.KeyIdOf(secret) : [];
    }

    /// <summary>The backup key's id (26 base32 characters), shown to tell keys apart; null for a passphrase.</summary>
    public string? KeyId => _kind == BackupKeyKind.BackupKey ? Base32.Encode(_keyId) : null;

    /// <summary>A key derived from <paramref name="passphrase"/> (at least <see cref="MinPassphraseLength"/> characters, used exactly as typed).</summary>
    public static BackupKey FromPassphrase(string passphrase) => FromPassphrase(passphrase, Argon2Settings.Default);

    /// <summary>As <see cref="FromPassphrase(string)"/> with chosen Argon2id costs (tests use cheap ones).</summary>
    internal static BackupKey FromPassphrase(string passphrase, Argon2Settings settings)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        if (passphrase.Length < MinPassphraseLength)
        {
            throw new BackupException($"a backup passphrase needs at least {MinPassphraseLength} characters");
        }

        return new BackupKey(BackupKeyKind.Passphrase, Encoding.UTF8.GetBytes(passphrase), settings);
    }

    /// <summary>Creates a new random backup key; export it with <see cref="ToText"/> and keep it away from the server.</summary>
    public static BackupKey Generate() =>
        new(BackupKeyKind.BackupKey, RandomNumberGenerator.GetBytes(KeySize), Argon2Settings.Default);

    /// <summary>
    /// A backup key from 32 secret bytes that both sides derive themselves (e.g. from a transfer token), so it never
    /// has to be exported or typed.
    /// </summary>
    public static BackupKey FromSecret(ReadOnlySpan<byte> secret) =>
        secret.Length == KeySize
            ? new(BackupKeyKind.BackupKey, secret.ToArray(), Argon2Settings.Default)
            : throw new ArgumentException($"a backup key is {KeySize} bytes, not {secret.Length}", nameof(secret));

    /// <summary>Reads a key exported by <see cref="ToText"/> (comment lines starting with '#' are ignored).</summary>
    public static BackupKey FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keyLines = text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        if (keyLines.Count != 1 || !keyLines[0].StartsWith(KeyLinePrefix, StringComparison.Ordinal))
        {
            throw new BackupException($"this is not an Outpost backup key (expected one line starting with '{KeyLinePrefix.Trim()}'); was it edited or cut short?");
        }

        var key = new byte[KeySize];
        if (!Convert.TryFromBase64String(keyLines[0][KeyLinePrefix.Length..].Trim(), key, out var written) || written != KeySize)
        {
            throw new BackupException("this is not an Outpost backup key (the key is not 32 bytes of base64); was it edited or cut short?");
        }

        return new BackupKey(BackupKeyKind.BackupKey, key, Argon2Settings.Default);
    }

    /// <summary>The key as text to save or print: two comment lines and the key line.</summary>
    public string ToText()
    {
        if (_kind != BackupKeyKind.BackupKey)
        {
            throw new InvalidOperationException("A passphrase is not exported; only a generated backup key is.");
        }

        return "# Outpost backup key. Whoever holds it can read every backup made with it: keep it secret, and keep a copy away from the server.\n"
            + $"# key id: {KeyId}\n"
            + KeyLinePrefix + Convert.ToBase64String(_secret) + "\n";
    }

    /// <summary>Forgets the secret.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
        lock (_cacheLock)
        {
            if (_lastDerived is { } last)
            {
                CryptographicOperations.ZeroMemory(last.Master);
            }

            _lastDerived = null;
        }
    }

    /// <summary>A header for a new backup made with this key (fresh salts) and the keys for its chunks.</summary>
    internal (BackupHeader Header, byte[] HeaderBytes, ArchiveKeys Keys) NewArchive(int chunkSize)
    {
        var kdfSalt = _kind == BackupKeyKind.Passphrase ? RandomNumberGenerator.GetBytes(BackupHeader.KdfSaltSize) : [];
        var header = new BackupHeader(
            _kind, chunkSize, _kind == BackupKeyKind.Passphrase ? _argon2 : null, kdfSalt, _keyId,
            RandomNumberGenerator.GetBytes(BackupHeader.ArchiveSaltSize), new byte[BackupHeader.KeyCheckSize]);
        var master = MasterKey(header);
        var check = ArchiveKeys.KeyCheck(master, header.ArchiveSalt, header.ToBytes().AsSpan(0, BackupHeader.KeyCheckedLength));
        header = header with { KeyCheck = check };
        var bytes = header.ToBytes();
        return (header, bytes, ArchiveKeys.Derive(master, header.ArchiveSalt, bytes));
    }

    /// <summary>
    /// The keys for the chunks of an existing backup, after checking that this key is the one it was made with.
    /// The header's integrity is already checked, so a key check mismatch means the wrong passphrase or key.
    /// </summary>
    internal ArchiveKeys Open(BackupHeader header, byte[] headerBytes)
    {
        if (header.KeyKind != _kind)
        {
            throw new BackupException(header.KeyKind == BackupKeyKind.Passphrase
                ? "this backup is protected by a passphrase, not a backup key; give its passphrase"
                : $"this backup is protected by backup key {Base32.Encode(header.KeyId)}, not a passphrase; give that key");
        }

        if (_kind == BackupKeyKind.BackupKey && !CryptographicOperations.FixedTimeEquals(header.KeyId, _keyId))
        {
            throw new BackupException($"this backup was made with backup key {Base32.Encode(header.KeyId)}; the key given is {KeyId}");
        }

        var master = MasterKey(header);
        var check = ArchiveKeys.KeyCheck(master, header.ArchiveSalt, headerBytes.AsSpan(0, BackupHeader.KeyCheckedLength));
        if (!CryptographicOperations.FixedTimeEquals(check, header.KeyCheck))
        {
            throw new BackupException(_kind == BackupKeyKind.Passphrase
                ? "wrong passphrase for this backup (or the backup was altered)"
                : "this backup key does not open this backup (or the backup was altered)");
        }

        return ArchiveKeys.Derive(master, header.ArchiveSalt, headerBytes);
    }

    private byte[] MasterKey(BackupHeader header)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_kind == BackupKeyKind.BackupKey)
        {
            return _secret;
        }

        // Argon2id is deliberately slow; reading the manifest and then restoring the same backup derives once.
        lock (_cacheLock)
        {
            if (_lastDerived is { } last && last.Settings == header.Argon2 && last.Salt.AsSpan().SequenceEqual(header.KdfSalt))
            {
                return last.Master;
            }
        }

        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = header.Argon2!.MemoryKib,
            NumberOfPasses = header.Argon2.Passes,
        });
        var master = new byte[KeySize];
        algorithm.DeriveBytes(_secret, header.KdfSalt, master);
        lock (_cacheLock)
        {
            _lastDerived = (header.KdfSalt, header.Argon2, master);
        }

        return master;
    }
}
