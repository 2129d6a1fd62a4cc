using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// An app's Ed25519 signing key. Whoever holds it can publish versions of the app, so it lives in a file readable by
/// its owner only and is never overwritten by accident.
/// </summary>
public sealed class SigningKey : IDisposable
{
    /// <summary>First token of the key line; the number is the key file format version.</summary>
    internal const string KeyLinePrefix = "outpost-signing-key-1 ";

    private static readonly SignatureAlgorithm _algorithm = SignatureAlgorithm.Ed25519;
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Key _key;

    private SigningKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        AppId = Packaging.AppId.FromPublicKey(PublicKey);
    }

    /// <summary>The app id this key signs for.</summary>
    public string AppId { get; }

    /// <summary>The raw 32-byte public key.</summary>
    internal byte[] PublicKey { get; }

    /// <summary>Creates a new random key.</summary>
    public static SigningKey Generate() => new(Key.Create(_algorithm, ExportableKey()));

    /// <summary>
    /// Loads a key written by <see cref="Save"/>. Throws a <see cref="PackageException"/> when the file is missing,
    /// unreadable or not a key file.
    /// </summary>
    public static SigningKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PackageException($"signing key '{path}' does not exist; create one with 'outpost keygen --out {path}'", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PackageException($"signing key '{path}' cannot be read: {e.Message}", e);
        }

        var seed = ParseKeyFile(bytes, path);
        try
        {
            return new SigningKey(Key.Import(_algorithm, seed, KeyBlobFormat.RawPrivateKey, ExportableKey()));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Writes the key to a new file with mode 0600. Refuses to overwrite an existing file: losing an app's key means
    /// never being able to update the app again.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        var text = Encoding.ASCII.GetBytes(
            "# Outpost app signing key. Whoever holds this file can publish versions of the app: keep it secret and backed up.\n"
            + $"# app id: {AppId}\n"
            + KeyLinePrefix + Convert.ToBase64String(seed) + "\n");
        try
        {
            // CreateNew is O_CREAT|O_EXCL: no overwrite, no following a planted symlink, and the mode is set at
            // creation so the key is never readable by others, not even briefly.
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(text);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException e) when (File.Exists(path) || Directory.Exists(path))
        {
            throw new PackageException($"'{path}' already exists; a signing key is never overwritten. Choose another file name.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PackageException($"cannot write signing key '{path}': {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>Signs <paramref name="message"/> with Ed25519.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> message) => _algorithm.Sign(_key, message);

    /// <summary>Checks an Ed25519 signature made by <paramref name="publicKey"/>.</summary>
    internal static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        NSec.Cryptography.PublicKey.TryImport(_algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
        && key is not null
        && _algorithm.Verify(key, message, signature);

    /// <summary>Releases the private key.</summary>
    public void Dispose() => _key.Dispose();

    private static KeyCreationParameters ExportableKey() =>
        new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    private static byte[] ParseKeyFile(byte[] bytes, string path)
    {
        string text;
        try
        {
            text = _strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Garbled(path, "it is not text", e);
        }

        var keyLines = text.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        if (keyLines.Count != 1 || !keyLines[0].StartsWith(KeyLinePrefix, StringComparison.Ordinal))
        {
            throw Garbled(path, $"expected one line starting with '{KeyLinePrefix.Trim()}'", null);
        }

        var seed = new byte[32];
        if (!Convert.TryFromBase64String(keyLines[0][KeyLinePrefix.Length..].Trim(), seed, out var written) || written != seed.Length)
        {
            throw Garbled(path, "the key is not 32 bytes of base64", null);
        }

        return seed;
    }

    private static PackageException Garbled(string path, string why, Exception? inner)
    {
        var message = $"'{path}' is not an Outpost signing key ({why}); was it edited or truncated?";
        return inner is null ? new PackageException(message) : new PackageException(message, inner);
    }
}
