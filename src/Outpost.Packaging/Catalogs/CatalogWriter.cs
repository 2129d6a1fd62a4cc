using System.Globalization;
using System.Text.Json;

namespace Outpost.Packaging.Catalogs;

/// <summary>Serializes and signs a catalog into the bytes of a catalog file.</summary>
public static class CatalogWriter
{
    /// <summary>
    /// The signed catalog file for <paramref name="catalog"/>; its <see cref="Catalog.KeyId"/> is ignored in favour of
    /// <paramref name="key"/>. The result is read back before it is returned, so a catalog this writes always reads.
    /// </summary>
    public static byte[] Write(Catalog catalog, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(key);
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("title", catalog.Title);
            json.WriteString("publishedAt", catalog.PublishedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartArray("apps");
            foreach (var app in catalog.Apps)
            {
                json.WriteStartObject();
                json.WriteString("id", app.Id);
                json.WriteString("title", app.Title);
                WriteOptional(json, "description", app.Description);
                WriteOptional(json, "icon", app.Icon);
                json.WriteStartArray("versions");
                foreach (var version in app.Versions)
                {
                    json.WriteStartObject();
                    json.WriteNumber("version", version.Version);
                    json.WriteString("marketingVersion", version.MarketingVersion);
                    json.WriteString("url", version.Url);
                    json.WriteNumber("size", version.Size);
                    json.WriteString("sha256", version.Sha256);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var file = CatalogEnvelope.Seal(body.ToArray(), key);
        CatalogReader.Read(file, key.AppId);
        return file;
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
