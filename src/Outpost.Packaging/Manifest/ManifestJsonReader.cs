using System.Collections.ObjectModel;
using System.Text.Json;

namespace Outpost.Packaging;

/// <summary>
/// Turns manifest JSON into an <see cref="AppManifest"/>, checking shape only (types, required and unknown
/// properties). Value rules live in <see cref="ManifestValidator"/> so that manifests built in code are held to them too.
/// </summary>
internal static class ManifestJsonReader
{
    /// <summary>The only manifest schema version this reader understands.</summary>
    public const int SupportedManifestVersion = 1;

    /// <summary>Name of the pack-time section allowed in a pack folder's outpost.json and nowhere else.</summary>
    public const string PackSection = "pack";

    private static readonly string[] _rootFields =
    [
        "manifestVersion", "title", "version", "marketingVersion", "actions", "permissions", "roles", "sandbox",
        "command", "port", "memoryMiB", "metadata",
    ];

    /// <summary>What a valid "memoryMiB" is, for error messages.</summary>
    public const string MemoryExpectation = "an integer from 16 to 65536 (MiB)";

    private static readonly string[] _rootFieldsWithPack = [.. _rootFields, PackSection];
    private static readonly string[] _actionFields = ["id", "title", "nounPhrase"];
    private static readonly string[] _permissionFields = ["id", "title", "description"];
    private static readonly string[] _roleFields = ["id", "title", "permissions", "default"];
    private static readonly string[] _commandFields = ["path", "args", "env"];
    private static readonly string[] _metadataFields = ["description", "author", "license", "sourceUrl", "icon"];

    /// <summary>Reads the manifest in <paramref name="root"/>; <paramref name="allowPackSection"/> tolerates "pack".</summary>
    public static AppManifest Read(JsonElement root, bool allowPackSection)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PackageException("manifest: must be a JSON object");
        }

        // The schema version decides what every other field means, so it is judged before anything else: a newer
        // manifest should say "upgrade Outpost", not "unknown property".
        if (root.TryGetProperty("manifestVersion", out var versionElement))
        {
            if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var declared))
            {
                throw JsonFields.Error("manifestVersion", "must be an integer");
            }

            if (declared != SupportedManifestVersion)
            {
                throw JsonFields.Error(
                    "manifestVersion",
                    $"is {declared}, but this version of Outpost reads manifest version {SupportedManifestVersion} only; upgrade Outpost to install this package");
            }
        }

        var fields = JsonFields.Open(root, "", allowPackSection ? _rootFieldsWithPack : _rootFields);
        return new AppManifest
        {
            ManifestVersion = SupportedManifestVersion,
            Title = fields.RequiredString("title"),
            Version = fields.RequiredInt("version", "an integer >= 1"),
            MarketingVersion = fields.RequiredString("marketingVersion"),
            Actions = ReadList(fields, "actions", ReadAction),
            Permissions = ReadList(fields, "permissions", ReadPermission),
            Roles = ReadList(fields, "roles", ReadRole),
            Sandbox = ReadSandbox(fields),
            Command = ReadCommand(fields),
            Port = fields.OptionalInt("port", "an integer from 1 to 65535") ?? 0,
            MemoryMiB = fields.OptionalInt("memoryMiB", MemoryExpectation) ?? 0,
            Metadata = ReadMetadata(fields),
        };
    }

    private static ReadOnlyCollection<T> ReadList<T>(JsonFields fields, string property, Func<JsonElement, string, T> read) =>
        fields.Array(property).Select(x => read(x.Item, x.Path)).ToList().AsReadOnly();

    private static AppAction ReadAction(JsonElement element, string path)
    {
        var fields = JsonFields.Open(element, path, _actionFields);
        return new AppAction
        {
            Id = fields.RequiredString("id"),
            Title = fields.RequiredString("title"),
            NounPhrase = fields.OptionalString("nounPhrase"),
        };
    }

    private static AppPermission ReadPermission(JsonElement element, string path)
    {
        var fields = JsonFields.Open(element, path, _permissionFields);
        return new AppPermission
        {
            Id = fields.RequiredString("id"),
            Title = fields.RequiredString("title"),
            Description = fields.OptionalString("description"),
        };
    }

    private static AppRole ReadRole(JsonElement element, string path)
    {
        var fields = JsonFields.Open(element, path, _roleFields);
        return new AppRole
        {
            Id = fields.RequiredString("id"),
            Title = fields.RequiredString("title"),
            Permissions = fields.StringArray("permissions").AsReadOnly(),
            Default = fields.OptionalBool("default"),
        };
    }

    private static SandboxKind ReadSandbox(JsonFields fields) =>
        fields.OptionalString("sandbox") switch
        {
            null or "native" => SandboxKind.Native,
            "wasm" => SandboxKind.Wasm,
            _ => throw JsonFields.Error("sandbox", "must be \"native\" or \"wasm\""),
        };

    private static AppCommand ReadCommand(JsonFields root)
    {
        var fields = root.OptionalObject("command", _commandFields) ?? throw JsonFields.Error("command", "is required");
        return new AppCommand
        {
            Path = fields.RequiredString("path"),
            Args = fields.StringArray("args").AsReadOnly(),
            Env = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(fields.StringMap("env"), StringComparer.Ordinal)),
        };
    }

    private static AppMetadata ReadMetadata(JsonFields root)
    {
        var fields = root.OptionalObject("metadata", _metadataFields);
        if (fields is null)
        {
            return new AppMetadata();
        }

        return new AppMetadata
        {
            Description = fields.OptionalString("description"),
            Author = fields.OptionalString("author"),
            License = fields.OptionalString("license"),
            SourceUrl = fields.OptionalString("sourceUrl"),
            Icon = fields.OptionalString("icon"),
        };
    }
}
