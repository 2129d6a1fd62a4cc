using System.Text;
using System.Text.Json;

namespace Outpost.Packaging.Catalogs;

/// <summary>
/// The signed wrapper of a catalog file: <c>{"format":"outpost-catalog-1","key":…,"signature":…,"body":…}</c> where
/// body is the base64 of the catalog JSON and signature the Ed25519 signature of a domain prefix plus those exact
/// body bytes. Only the small wrapper is parsed before the signature is checked; the body is parsed only once it is
/// known to come from the key.
/// </summary>
internal static class CatalogEnvelope
{
    /// <summary>The only catalog format this version reads and writes.</summary>
    public const string Format = "outpost-catalog-1";

    private static readonly string[] _fields = ["format", "key", "signature", "body"];

    /// <summary>
    /// Prefix of the signed message: a key that also signs packages (or anything else) can never have one of those
    /// signatures accepted as a catalog signature, and the reverse.
    /// </summary>
    private static readonly byte[] _signingDomain = Encoding.ASCII.GetBytes("outpost-catalog-v1\0");

    public static byte[] Seal(ReadOnlySpan<byte> body, SigningKey key)
    {
        var signature = key.Sign(SignedMessage(body));
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("key", key.AppId);
            json.WriteString("signature", Convert.ToBase64String(signature));
            json.WriteString("body", Convert.ToBase64String(body));
            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
        return output.ToArray();
    }

    /// <summary>Checks the wrapper and its signature and returns the signing key id and the verified body bytes.</summary>
    public static (string KeyId, byte[] Body) Open(ReadOnlySpan<byte> file, string? trustedKeyId, CatalogLimits limits)
    {
        if (file.Length > limits.MaxCatalogBytes)
        {
            throw new PackageException($"catalog is {file.Length} bytes; the limit is {limits.MaxCatalogBytes}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw new PackageException($"catalog is not a signed Outpost catalog (not valid JSON: {e.Message})", e);
        }

        using (document)
        {
            var fields = JsonFields.Open(document.RootElement, "", _fields, "catalog");
            var format = fields.RequiredString("format");
            if (format != Format)
            {
                throw new PackageException($"catalog format '{format}' is not supported (this Outpost reads '{Format}'); upgrade Outpost");
            }

            var keyId = fields.RequiredString("key");
            if (!AppId.TryGetPublicKey(keyId, out var publicKey))
            {
                throw fields.Fail("key", "is not a catalog key id (52 base32 characters)");
            }

            if (trustedKeyId is not null && keyId != trustedKeyId)
            {
                throw new PackageException(
                    $"catalog is signed by key {keyId}, but this subscription trusts key {trustedKeyId}: the catalog was replaced, or its publisher changed keys (subscribe again with the new key if you trust it)");
            }

            var signature = DecodeBase64(fields, "signature");
            var body = DecodeBase64(fields, "body");
            if (signature.Length != 64 || !SigningKey.Verify(publicKey, SignedMessage(body), signature))
            {
                throw new PackageException("catalog signature is not valid: the catalog was changed after signing, or was not signed by the key it names");
            }

            return (keyId, body);
        }
    }

    private static byte[] DecodeBase64(JsonFields fields, string property)
    {
        try
        {
            return Convert.FromBase64String(fields.RequiredString(property));
        }
        catch (FormatException e)
        {
            throw new PackageException($"catalog: '{property}' is not base64", e);
        }
    }

    private static byte[] SignedMessage(ReadOnlySpan<byte> body) => [.. _signingDomain, .. body];
}
