using System.Text.Json.Serialization;

namespace Outpost.Packaging;

/// <summary>Source-generated writer for manifests: camelCase names, lowercase enum strings, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(AppManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext
{
}
