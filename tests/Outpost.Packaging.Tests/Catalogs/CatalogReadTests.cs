using System.Text;
using System.Text.Json.Nodes;
using Outpost.Packaging.Catalogs;

namespace Outpost.Packaging.Tests.Catalogs;

/// <summary>Hostile catalogs: each is refused with a message that names the problem.</summary>
public sealed class CatalogReadTests
{
    private static readonly string Hash = new('a', 64);

    [Fact]
    public void Read_ValidCatalog_ReturnsItsApps()
    {
        using var key = SigningKey.Generate();
        var catalog = CatalogReader.Read(Seal(Body(), key), key.AppId);

        Assert.Equal("Example", catalog.Title);
        Assert.Equal(3, Assert.Single(catalog.Apps).Latest.Version);
    }

    [Fact]
    public void Read_BodyChangedAfterSigning_IsRefusedForItsSignature()
    {
        using var key = SigningKey.Generate();
        var file = JsonNode.Parse(Seal(Body(), key))!;
        var body = Encoding.UTF8.GetString(Convert.FromBase64String((string)file["body"]!)).Replace("\"size\":100", "\"size\":101", StringComparison.Ordinal);
        file["body"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));

        var e = Refused(Encoding.UTF8.GetBytes(file.ToJsonString()), key.AppId);

        Assert.Contains("catalog signature is not valid", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SignedByAnotherKeyThanTheSubscriptionTrusts_IsRefused()
    {
        using var key = SigningKey.Generate();
        using var trusted = SigningKey.Generate();

        var e = Refused(Seal(Body(), key), trusted.AppId);

        Assert.Contains($"this subscription trusts key {trusted.AppId}", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KeyFieldSwappedToAnotherKey_IsRefusedForItsSignature()
    {
        using var key = SigningKey.Generate();
        using var other = SigningKey.Generate();
        var file = JsonNode.Parse(Seal(Body(), key))!;
        file["key"] = other.AppId;

        var e = Refused(Encoding.UTF8.GetBytes(file.ToJsonString()), trustedKeyId: null);

        Assert.Contains("catalog signature is not valid", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PackageSignatureOverTheSameBytes_DoesNotVerifyAsACatalog()
    {
        using var key = SigningKey.Generate();
        var body = Encoding.UTF8.GetBytes(Body());
        var file = new JsonObject
        {
            ["format"] = "outpost-catalog-1",
            ["key"] = key.AppId,
            ["signature"] = Convert.ToBase64String(key.Sign(OpkFile.SignedMessage(body))),
            ["body"] = Convert.ToBase64String(body),
        };

        var e = Refused(Encoding.UTF8.GetBytes(file.ToJsonString()), key.AppId);

        Assert.Contains("catalog signature is not valid", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LargerThanTheLimit_IsRefusedBeforeParsing()
    {
        using var key = SigningKey.Generate();
        var file = Seal(Body(), key);

        var e = Assert.Throws<PackageException>(() => CatalogReader.Read(file, key.AppId, new CatalogLimits { MaxCatalogBytes = file.Length - 1 })).Message;

        Assert.Contains($"the limit is {file.Length - 1}", e, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"format\":\"outpost-catalog-2\"}", "upgrade Outpost")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"format\":\"outpost-catalog-1\",\"key\":\"x\",\"signature\":\"\",\"body\":\"\"}", "'key' is not a catalog key id")]
    [InlineData("{\"format\":\"outpost-catalog-1\",\"format\":\"outpost-catalog-1\"}", "appears more than once")]
    public void Read_MalformedWrapper_IsRefused(string text, string expected)
    {
        Assert.Contains(expected, Refused(Encoding.UTF8.GetBytes(text), trustedKeyId: null), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"url\":\"p/app.opk\"", "\"url\":\"../secret.opk\"", "'apps[0].versions[0].url'")]
    [InlineData("\"url\":\"p/app.opk\"", "\"url\":\"file:///etc/passwd\"", "'apps[0].versions[0].url'")]
    [InlineData("\"url\":\"p/app.opk\"", "\"url\":\"http://user:pw@example.org/a.opk\"", "'apps[0].versions[0].url'")]
    [InlineData("\"url\":\"p/app.opk\"", "\"url\":\"/etc/passwd\"", "'apps[0].versions[0].url'")]
    [InlineData("\"url\":\"p/app.opk\"", "\"url\":\"p/app.opk?x=1\"", "'apps[0].versions[0].url'")]
    [InlineData("\"size\":100", "\"size\":99999999999999", "'apps[0].versions[0].size' is 99999999999999 bytes")]
    [InlineData("\"size\":100", "\"size\":-1", "'apps[0].versions[0].size'")]
    [InlineData("\"size\":100", "\"size\":\"100\"", "'apps[0].versions[0].size' must be a number")]
    [InlineData("\"version\":3", "\"version\":0", "'apps[0].versions[0].version' must be a positive integer")]
    [InlineData("\"version\":3", "\"version\":1", "lists the same version twice")]
    [InlineData("\"title\":\"Example\"", "\"title\":\"Example\",\"extra\":1", "unknown property 'extra'")]
    [InlineData("\"icon\":null", "\"icon\":\"javascript:alert(1)\"", "'apps[0].icon'")]
    [InlineData("\"icon\":null", "\"icon\":\"data:text/html;base64,PGI+\"", "'apps[0].icon'")]
    [InlineData("\"title\":\"Notes\"", "\"title\":\"No\\u0000tes\"", "'apps[0].title'")]
    [InlineData("\"publishedAt\":\"2026-11-23T12:00:00Z\"", "\"publishedAt\":\"yesterday\"", "'publishedAt'")]
    public void Read_SignedButMalformedBody_IsRefusedNamingTheField(string find, string replace, string expected)
    {
        using var key = SigningKey.Generate();
        var body = Body();
        Assert.Contains(find, body, StringComparison.Ordinal);

        var e = Refused(Seal(body.Replace(find, replace, StringComparison.Ordinal), key), key.AppId);

        Assert.Contains(expected, e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SameAppListedTwice_IsRefused()
    {
        using var key = SigningKey.Generate();
        var body = JsonNode.Parse(Body())!;
        body["apps"]!.AsArray().Add(body["apps"]![0]!.DeepClone());

        var e = Refused(Seal(body.ToJsonString(), key), key.AppId);

        Assert.Contains("lists the same app a second time", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreAppsThanTheLimit_IsRefused()
    {
        using var key = SigningKey.Generate();

        var e = Assert.Throws<PackageException>(() => CatalogReader.Read(Seal(Body(), key), key.AppId, new CatalogLimits { MaxApps = 0 })).Message;

        Assert.Contains("the limit is 0", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BodyNotUtf8_IsRefused()
    {
        using var key = SigningKey.Generate();

        var e = Refused(CatalogEnvelope.Seal([0x7B, 0xFF, 0x7D], key), key.AppId);

        Assert.Contains("not valid UTF-8 JSON", e, StringComparison.Ordinal);
    }

    private static string Refused(byte[] file, string? trustedKeyId) =>
        Assert.Throws<PackageException>(() => CatalogReader.Read(file, trustedKeyId)).Message;

    private static byte[] Seal(string body, SigningKey key) => CatalogEnvelope.Seal(Encoding.UTF8.GetBytes(body), key);

    private static string Body()
    {
        using var appKey = SigningKey.Generate();
        return $$"""
            {"title":"Example","publishedAt":"2026-11-23T12:00:00Z","apps":[{"id":"{{appKey.AppId}}","title":"Notes","icon":null,
            "versions":[{"version":3,"marketingVersion":"3.0","url":"p/app.opk","size":100,"sha256":"{{Hash}}"},
            {"version":1,"marketingVersion":"1.0","url":"https://example.org/a.opk","size":5,"sha256":"{{Hash}}"}]}]}
            """;
    }
}
