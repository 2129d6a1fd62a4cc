using System.Text;
using System.Text.Json.Nodes;

namespace Outpost.Packaging.Tests.Manifest;

public sealed class ManifestParseTests
{
    [Fact]
    public void Parse_FullManifest_ReadsEveryField()
    {
        var manifest = Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(TestManifests.Full));

        Assert.Equal(1, manifest.ManifestVersion);
        Assert.Equal("Notes", manifest.Title);
        Assert.Equal(7, manifest.Version);
        Assert.Equal("2.1.0", manifest.MarketingVersion);
        var action = Assert.Single(manifest.Actions);
        Assert.Equal(("new-note", "New note", "note"), (action.Id, action.Title, action.NounPhrase));
        Assert.Equal(["read", "write"], manifest.Permissions.Select(p => p.Id));
        Assert.Equal("Change the note", manifest.Permissions[1].Description);
        Assert.Equal(["read", "write"], manifest.Roles[1].Permissions);
        Assert.True(manifest.Roles[1].Default);
        Assert.False(manifest.Roles[0].Default);
        Assert.Equal(SandboxKind.Native, manifest.Sandbox);
        Assert.Equal("/usr/bin/node", manifest.Command.Path);
        Assert.Equal(["/app/server.js"], manifest.Command.Args);
        Assert.Equal("production", manifest.Command.Env["NODE_ENV"]);
        Assert.Equal(8080, manifest.Port);
        Assert.Equal(("Take notes.", "Ada", "MIT"), (manifest.Metadata.Description, manifest.Metadata.Author, manifest.Metadata.License));
        Assert.Equal("https://example.org/notes", manifest.Metadata.SourceUrl);
        Assert.Equal("/app/icon.svg", manifest.Metadata.Icon);
    }

    [Fact]
    public void Parse_MinimalManifest_AppliesDefaults()
    {
        var manifest = Packaging.Manifest.Parse(TestManifests.MinimalBytes);

        Assert.Equal(1, manifest.ManifestVersion);
        Assert.Equal(SandboxKind.Native, manifest.Sandbox);
        Assert.Empty(manifest.Permissions);
        Assert.Empty(manifest.Roles);
        Assert.Empty(manifest.Command.Args);
        Assert.Empty(manifest.Command.Env);
        Assert.Null(manifest.Metadata.Icon);
        Assert.Equal(0, manifest.MemoryMiB);
        Assert.DoesNotContain("memoryMiB", System.Text.Encoding.UTF8.GetString(Packaging.Manifest.Serialize(manifest)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MemoryRequest_SurvivesSerializeAndParse()
    {
        var manifest = Packaging.Manifest.Parse(Edit(m => m["memoryMiB"] = 1024));

        Assert.Equal(1024, Packaging.Manifest.Parse(Packaging.Manifest.Serialize(manifest)).MemoryMiB);
    }

    [Fact]
    public void Parse_WasmWithoutPort_IsAccepted()
    {
        var manifest = Packaging.Manifest.Parse(Edit(m =>
        {
            m["sandbox"] = "wasm";
            m.Remove("port");
            m["command"]!["path"] = "/app/main.wasm";
        }));

        Assert.Equal(SandboxKind.Wasm, manifest.Sandbox);
        Assert.Equal(0, manifest.Port);
    }

    [Fact]
    public void Parse_VersionZero_NamesTheField()
    {
        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Edit(m => m["version"] = 0)));

        Assert.Equal("manifest: 'version' must be an integer >= 1", e.Message);
    }

    [Theory]
    [InlineData("version", "\"3\"", "manifest: 'version' must be an integer >= 1")]
    [InlineData("version", "1.5", "manifest: 'version' must be an integer >= 1")]
    [InlineData("version", "-2", "manifest: 'version' must be an integer >= 1")]
    [InlineData("version", "99999999999", "manifest: 'version' must be an integer >= 1")]
    [InlineData("manifestVersion", "2", "manifest: 'manifestVersion' is 2, but this version of Outpost reads manifest version 1 only")]
    [InlineData("manifestVersion", "\"1\"", "manifest: 'manifestVersion' must be an integer")]
    [InlineData("title", "\"\"", "manifest: 'title' is required and must not be blank")]
    [InlineData("title", "42", "manifest: 'title' must be a string")]
    [InlineData("title", "\"two\\nlines\"", "manifest: 'title' must be a single line")]
    [InlineData("marketingVersion", "null", "manifest: 'marketingVersion' is required")]
    [InlineData("actions", "[]", "manifest: 'actions' must list at least one action")]
    [InlineData("actions", "{}", "manifest: 'actions' must be an array")]
    [InlineData("actions", "[{\"id\":\"New\",\"title\":\"x\"}]", "manifest: 'actions[0].id' must be 1-64 characters")]
    [InlineData("actions", "[{\"id\":\"a\",\"title\":\"x\"},{\"id\":\"a\",\"title\":\"y\"}]", "manifest: 'actions[1].id' repeats the id 'a'")]
    [InlineData("actions", "[{\"id\":\"a\",\"titel\":\"x\"}]", "manifest: unknown property 'actions[0].titel'")]
    [InlineData("roles", "[{\"id\":\"r\",\"title\":\"R\",\"permissions\":[\"edit\"]}]", "manifest: 'roles[0].permissions[0]' names permission 'edit', which 'permissions' does not declare")]
    [InlineData("roles", "[{\"id\":\"a\",\"title\":\"A\",\"default\":true},{\"id\":\"b\",\"title\":\"B\",\"default\":true}]", "manifest: 'roles[1].default' is true for a second role")]
    [InlineData("roles", "[{\"id\":\"a\",\"title\":\"A\",\"default\":\"yes\"}]", "manifest: 'roles[0].default' must be true or false")]
    [InlineData("sandbox", "\"docker\"", "manifest: 'sandbox' must be \"native\" or \"wasm\"")]
    [InlineData("sandbox", "\"Native\"", "manifest: 'sandbox' must be \"native\" or \"wasm\"")]
    [InlineData("command", "null", "manifest: 'command' is required")]
    [InlineData("command", "{\"path\":\"app/run\"}", "manifest: 'command.path' must be an absolute path")]
    [InlineData("command", "{\"path\":\"/app/../etc/passwd\"}", "manifest: 'command.path' contains a '..' segment")]
    [InlineData("command", "{\"path\":\"/app//run\"}", "manifest: 'command.path' has an empty path segment")]
    [InlineData("command", "{\"path\":\"/\"}", "manifest: 'command.path' must name a file")]
    [InlineData("command", "{\"path\":\"/app/run\",\"args\":[1]}", "manifest: 'command.args[0]' must be a string")]
    [InlineData("command", "{\"path\":\"/app/run\",\"args\":[\"a\\u0000b\"]}", "manifest: 'command.args[0]' contains a NUL character")]
    [InlineData("command", "{\"path\":\"/app/run\",\"env\":{\"1BAD\":\"x\"}}", "manifest: 'command.env.1BAD' is not a valid variable name")]
    [InlineData("command", "{\"path\":\"/app/run\",\"env\":{\"A\":1}}", "manifest: 'command.env.A' must be a string")]
    [InlineData("command", "{\"pth\":\"/app/run\"}", "manifest: unknown property 'command.pth'")]
    [InlineData("port", "0", "manifest: 'port' must be an integer from 1 to 65535")]
    [InlineData("port", "70000", "manifest: 'port' must be an integer from 1 to 65535")]
    [InlineData("port", "\"8000\"", "manifest: 'port' must be an integer from 1 to 65535")]
    [InlineData("memoryMiB", "8", "manifest: 'memoryMiB' must be an integer from 16 to 65536")]
    [InlineData("memoryMiB", "-512", "manifest: 'memoryMiB' must be an integer from 16 to 65536")]
    [InlineData("memoryMiB", "99999999", "manifest: 'memoryMiB' must be an integer from 16 to 65536")]
    [InlineData("memoryMiB", "1e12", "manifest: 'memoryMiB' must be an integer from 16 to 65536")]
    [InlineData("memoryMiB", "\"1G\"", "manifest: 'memoryMiB' must be an integer from 16 to 65536")]
    [InlineData("metadata", "{\"icon\":\"/app/icon.gif\"}", "manifest: 'metadata.icon' must name an .svg or .png file")]
    [InlineData("metadata", "{\"icon\":\"icon.svg\"}", "manifest: 'metadata.icon' must be an absolute path")]
    [InlineData("metadata", "{\"sourceUrl\":\"ftp://example.org\"}", "manifest: 'metadata.sourceUrl' must be an absolute http or https URL")]
    [InlineData("metadata", "[]", "manifest: 'metadata' must be an object")]
    [InlineData("comand", "{}", "manifest: unknown property 'comand'")]
    [InlineData("pack", "{}", "manifest: unknown property 'pack'")]
    public void Parse_BadField_ThrowsNamingTheField(string field, string json, string expected)
    {
        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Edit(m => m[field] = JsonNode.Parse(json))));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title")]
    [InlineData("version")]
    [InlineData("marketingVersion")]
    [InlineData("command")]
    public void Parse_MissingRequiredField_ThrowsNamingTheField(string field)
    {
        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Edit(m => m.Remove(field))));

        Assert.StartsWith($"manifest: '{field}' is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WasmWithPort_Throws()
    {
        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Edit(m => m["sandbox"] = "wasm")));

        Assert.StartsWith("manifest: 'port' must be left out for wasm apps", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "manifest: not valid JSON")]
    [InlineData("{", "manifest: not valid JSON")]
    [InlineData("[1]", "manifest: must be a JSON object")]
    [InlineData("{\"title\":\"a\"} {}", "manifest: not valid JSON")]
    [InlineData("{\"title\":\"a\",\"title\":\"b\"}", "manifest: 'title' appears more than once")]
    [InlineData("// comment\n{}", "manifest: not valid JSON")]
    public void Parse_MalformedDocument_Throws(string json, string expected)
    {
        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_ThrowsPackageException()
    {
        var json = "{\"metadata\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.Throws<PackageException>(() => Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(json)));
    }

    private static byte[] Edit(Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(TestManifests.Minimal)!.AsObject();
        edit(manifest);
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }
}
