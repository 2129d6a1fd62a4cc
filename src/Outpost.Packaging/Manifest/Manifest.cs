using System.Text.Json;

namespace Outpost.Packaging;

/// <summary>Reads and writes <c>manifest.json</c>.</summary>
public static class Manifest
{
    private const int MaxDepth = 16;

    /// <summary>
    /// Parses and validates a manifest. Unknown or repeated properties are errors. Throws a
    /// <see cref="PackageException"/> naming the field, e.g. "manifest: 'version' must be an integer >= 1".
    /// </summary>
    public static AppManifest Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var document = ParseDocument(utf8Json, lenient: false);
        var manifest = ManifestJsonReader.Read(document.RootElement, allowPackSection: false);
        ManifestValidator.Validate(manifest);
        return manifest;
    }

    /// <summary>Writes <paramref name="manifest"/> as indented UTF-8 JSON, after validating it.</summary>
    public static byte[] Serialize(AppManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ManifestValidator.Validate(manifest);
        return JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.AppManifest);
    }

    /// <summary>
    /// Parses JSON with the manifest's reader options, turning syntax errors into a located message.
    /// <paramref name="lenient"/> allows comments and trailing commas, for the hand-written outpost.json of a pack folder.
    /// </summary>
    internal static JsonDocument ParseDocument(ReadOnlySpan<byte> utf8Json, bool lenient)
    {
        var options = new JsonReaderOptions
        {
            MaxDepth = MaxDepth,
            CommentHandling = lenient ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = lenient,
        };

        try
        {
            var reader = new Utf8JsonReader(utf8Json, options);
            var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                throw new PackageException("manifest: unexpected content after the JSON object");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new PackageException(
                $"manifest: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
    }
}
