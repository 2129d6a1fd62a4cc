using System.Text.Json;

namespace Outpost.Packaging;

/// <summary>
/// Reads the properties of one JSON object for the manifest and catalog readers, so that every error names the
/// offending field ("manifest: 'actions[1].id' ...") and unknown or repeated properties are refused instead of silently
/// ignored.
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly string _document;

    private JsonFields(JsonElement element, string path, IReadOnlyCollection<string> known, string document)
    {
        _path = path;
        _document = document;
        foreach (var property in element.EnumerateObject())
        {
            // Typos ("comand") would otherwise pass silently and surface later as a confusing "is required".
            if (!known.Contains(property.Name))
            {
                throw new PackageException($"{document}: unknown property '{Name(property.Name)}'");
            }

            // JSON allows repeated keys and most readers keep the last one; two readers disagreeing on which value
            // counts is how signed documents get misread, so a repeat is an error.
            if (!_properties.TryAdd(property.Name, property.Value))
            {
                throw Error(document, Name(property.Name), "appears more than once");
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="element"/>, which must be a JSON object found at <paramref name="path"/> ("" for the
    /// document) with no properties other than <paramref name="known"/>. <paramref name="document"/> starts every
    /// error message ("manifest", "catalog").
    /// </summary>
    public static JsonFields Open(JsonElement element, string path, IReadOnlyCollection<string> known, string document = "manifest")
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw path.Length == 0
                ? new PackageException($"{document}: must be a JSON object")
                : Error(document, path, "must be an object");
        }

        return new JsonFields(element, path, known, document);
    }

    /// <summary>The manifest error for <paramref name="field"/>: "manifest: 'field' problem".</summary>
    public static PackageException Error(string field, string problem) => Error("manifest", field, problem);

    /// <summary>The error for <paramref name="field"/> of <paramref name="document"/>: "document: 'field' problem".</summary>
    public static PackageException Error(string document, string field, string problem) => new($"{document}: '{field}' {problem}");

    /// <summary>The error for <paramref name="property"/> of this object.</summary>
    public PackageException Fail(string property, string problem) => Error(_document, Name(property), problem);

    /// <summary>The full path of a property of this object.</summary>
    public string Name(string property) => _path.Length == 0 ? property : $"{_path}.{property}";

    /// <summary>The value of <paramref name="property"/>; false when absent or JSON null.</summary>
    public bool TryGet(string property, out JsonElement value) => _properties.TryGetValue(property, out value) && value.ValueKind != JsonValueKind.Null;

    public string? OptionalString(string property)
    {
        if (!TryGet(property, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Fail(property, "must be a string");
    }

    public string RequiredString(string property) =>
        OptionalString(property) ?? throw Fail(property, "is required");

    public int? OptionalInt(string property, string expectation)
    {
        if (!TryGet(property, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw Fail(property, $"must be {expectation}");
    }

    public long? OptionalLong(string property, string expectation)
    {
        if (!TryGet(property, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Fail(property, $"must be {expectation}");
    }

    public int RequiredInt(string property, string expectation) =>
        OptionalInt(property, expectation) ?? throw Fail(property, $"is required ({expectation})");

    public bool OptionalBool(string property)
    {
        if (!TryGet(property, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(property, "must be true or false"),
        };
    }

    /// <summary>The items of an array property; empty when absent.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Array(string property)
    {
        if (!TryGet(property, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(property, "must be an array");
        }

        return value.EnumerateArray().Select((item, i) => (item, $"{Name(property)}[{i}]")).ToList();
    }

    /// <summary>The strings of an array-of-strings property; empty when absent.</summary>
    public List<string> StringArray(string property) =>
        Array(property)
            .Select(x => x.Item.ValueKind == JsonValueKind.String ? x.Item.GetString()! : throw Error(_document, x.Path, "must be a string"))
            .ToList();

    /// <summary>The object at <paramref name="property"/>, or null when absent.</summary>
    public JsonFields? OptionalObject(string property, IReadOnlyCollection<string> known) =>
        TryGet(property, out var value) ? Open(value, Name(property), known, _document) : null;

    /// <summary>The members of an object whose keys are free-form (a string map); empty when absent.</summary>
    public List<KeyValuePair<string, string>> StringMap(string property)
    {
        if (!TryGet(property, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(property, "must be an object of strings");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var members = new List<KeyValuePair<string, string>>();
        foreach (var member in value.EnumerateObject())
        {
            var path = $"{Name(property)}.{member.Name}";
            if (!seen.Add(member.Name))
            {
                throw Error(_document, path, "appears more than once");
            }

            if (member.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(_document, path, "must be a string");
            }

            members.Add(new(member.Name, member.Value.GetString()!));
        }

        return members;
    }
}
