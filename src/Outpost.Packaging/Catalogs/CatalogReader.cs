using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Outpost.Packaging.Catalogs;

/// <summary>
/// Reads a catalog file: the signature first (<see cref="CatalogEnvelope"/>), then the body, strictly: unknown or
/// repeated fields, duplicates, out-of-range sizes and URLs that could point anywhere surprising are all refused
/// with a message naming the field.
/// </summary>
public static partial class CatalogReader
{
    private const string Document = "catalog";
    private static readonly string[] _bodyFields = ["title", "publishedAt", "apps"];
    private static readonly string[] _appFields = ["id", "title", "description", "icon", "versions"];
    private static readonly string[] _versionFields = ["version", "marketingVersion", "url", "size", "sha256"];
    private static readonly string[] _iconPrefixes = ["data:image/svg+xml;base64,", "data:image/png;base64,"];
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Verifies and parses <paramref name="file"/>. With <paramref name="trustedKeyId"/>, a catalog signed by any
    /// other key is refused. Throws <see cref="PackageException"/> saying what is wrong.
    /// </summary>
    public static Catalog Read(ReadOnlySpan<byte> file, string? trustedKeyId, CatalogLimits? limits = null)
    {
        limits ??= CatalogLimits.Default;
        var (keyId, body) = CatalogEnvelope.Open(file, trustedKeyId, limits);
        try
        {
            _strictUtf8.GetString(body);
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            return ReadBody(document.RootElement, keyId, limits);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw new PackageException($"catalog body is not valid UTF-8 JSON: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="url"/> is a package URL a catalog may contain (see docs/catalogs.md).</summary>
    public static bool IsAllowedPackageUrl(string url)
    {
        if (url.Length is 0 or > 2000)
        {
            return false;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && !url.StartsWith('/'))
        {
            return absolute.Scheme is "http" or "https" && absolute.UserInfo.Length == 0;
        }

        // Relative: a plain path below the catalog's folder. No "..", no leading slash, no query, so it can only name
        // files the publisher placed next to the catalog.
        return RelativePath().IsMatch(url) && !url.Split('/').Any(segment => segment is "" or "." or "..");
    }

    private static Catalog ReadBody(JsonElement root, string keyId, CatalogLimits limits)
    {
        var fields = JsonFields.Open(root, "", _bodyFields, Document);
        var title = Text(fields, "title", 200, required: true)!;
        var publishedText = fields.RequiredString("publishedAt");
        if (!DateTimeOffset.TryParse(publishedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var publishedAt))
        {
            throw fields.Fail("publishedAt", "must be an ISO 8601 date and time");
        }

        var appItems = fields.Array("apps").ToList();
        if (appItems.Count > limits.MaxApps)
        {
            throw fields.Fail("apps", $"lists {appItems.Count} apps; the limit is {limits.MaxApps}");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var apps = new List<CatalogApp>(appItems.Count);
        foreach (var (item, path) in appItems)
        {
            var app = ReadApp(JsonFields.Open(item, path, _appFields, Document), limits);
            if (!ids.Add(app.Id))
            {
                throw JsonFields.Error(Document, path + ".id", "lists the same app a second time");
            }

            apps.Add(app);
        }

        return new Catalog { KeyId = keyId, Title = title, PublishedAt = publishedAt, Apps = apps };
    }

    private static CatalogApp ReadApp(JsonFields fields, CatalogLimits limits)
    {
        var id = fields.RequiredString("id");
        if (!AppId.IsValid(id))
        {
            throw fields.Fail("id", "is not an app id (52 base32 characters)");
        }

        var icon = fields.OptionalString("icon");
        if (icon is not null && (icon.Length > limits.MaxIconChars || !IsIconDataUrl(icon)))
        {
            throw fields.Fail("icon", $"must be a data:image/svg+xml or data:image/png base64 URL of at most {limits.MaxIconChars} characters");
        }

        var items = fields.Array("versions").ToList();
        if (items.Count == 0 || items.Count > limits.MaxVersionsPerApp)
        {
            throw fields.Fail("versions", $"must list between 1 and {limits.MaxVersionsPerApp} versions");
        }

        var versions = items.Select(x => ReadVersion(JsonFields.Open(x.Item, x.Path, _versionFields, Document), limits)).ToList();
        if (versions.DistinctBy(v => v.Version).Count() != versions.Count)
        {
            throw fields.Fail("versions", "lists the same version twice");
        }

        return new CatalogApp
        {
            Id = id,
            Title = Text(fields, "title", 200, required: true)!,
            Description = Text(fields, "description", 4000, required: false),
            Icon = icon,
            Versions = [.. versions.OrderByDescending(v => v.Version)],
        };
    }

    private static CatalogVersion ReadVersion(JsonFields fields, CatalogLimits limits)
    {
        var version = fields.RequiredInt("version", "a positive integer");
        if (version <= 0)
        {
            throw fields.Fail("version", "must be a positive integer");
        }

        var url = fields.RequiredString("url");
        if (!IsAllowedPackageUrl(url))
        {
            throw fields.Fail("url", "must be an http(s) URL or a plain relative path without '..', '?' or '#'");
        }

        var size = fields.OptionalLong("size", "a number of bytes") ?? throw fields.Fail("size", "is required");
        if (size <= 0 || size > limits.MaxPackageBytes)
        {
            throw fields.Fail("size", $"is {size} bytes; packages must be between 1 byte and {limits.MaxPackageBytes} bytes");
        }

        var sha256 = fields.RequiredString("sha256");
        if (!Sha256Hex().IsMatch(sha256))
        {
            throw fields.Fail("sha256", "must be 64 lowercase hex characters");
        }

        return new CatalogVersion
        {
            Version = version,
            MarketingVersion = Text(fields, "marketingVersion", 100, required: true)!,
            Url = url,
            Size = size,
            Sha256 = sha256,
        };
    }

    private static string? Text(JsonFields fields, string property, int maxLength, bool required)
    {
        var text = required ? fields.RequiredString(property) : fields.OptionalString(property);
        if (text is null)
        {
            return null;
        }

        if (text.Length > maxLength || (required && text.Trim().Length == 0) || text.Any(c => char.IsControl(c) && c != '\n'))
        {
            throw fields.Fail(property, $"must be non-blank text of at most {maxLength} characters without control characters");
        }

        return text;
    }

    private static bool IsIconDataUrl(string icon)
    {
        var prefix = _iconPrefixes.FirstOrDefault(p => icon.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null)
        {
            return false;
        }

        var data = icon.AsSpan(prefix.Length);
        var buffer = new byte[data.Length];
        return Convert.TryFromBase64Chars(data, buffer, out _);
    }

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[A-Za-z0-9._~%/-]+$")]
    private static partial Regex RelativePath();
}
