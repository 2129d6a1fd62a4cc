using System.Text;
using System.Text.Json;

namespace Outpost.Packaging.Tests.Manifest;

public sealed class ManifestSerializeTests
{
    [Fact]
    public void Serialize_ParsedManifest_ParsesBackToSameBytes()
    {
        var first = Packaging.Manifest.Serialize(Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(TestManifests.Full)));

        var second = Packaging.Manifest.Serialize(Packaging.Manifest.Parse(first));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Serialize_Manifest_UsesCamelCaseAndLowercaseEnums()
    {
        var manifest = Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(TestManifests.Full)) with { Sandbox = SandboxKind.Native };

        using var json = JsonDocument.Parse(Packaging.Manifest.Serialize(manifest));

        var root = json.RootElement;
        Assert.Equal("native", root.GetProperty("sandbox").GetString());
        Assert.Equal("2.1.0", root.GetProperty("marketingVersion").GetString());
        Assert.Equal("new-note", root.GetProperty("actions")[0].GetProperty("id").GetString());
        Assert.Equal("/app/icon.svg", root.GetProperty("metadata").GetProperty("icon").GetString());
    }

    [Fact]
    public void Serialize_WasmManifest_OmitsPortAndNulls()
    {
        var manifest = new AppManifest
        {
            Title = "Wasm",
            Version = 1,
            MarketingVersion = "1",
            Actions = [new AppAction { Id = "new", Title = "New" }],
            Sandbox = SandboxKind.Wasm,
            Command = new AppCommand { Path = "/app/main.wasm" },
        };

        var text = Encoding.UTF8.GetString(Packaging.Manifest.Serialize(manifest));

        Assert.Contains("\"sandbox\": \"wasm\"", text);
        Assert.DoesNotContain("port", text);
        Assert.DoesNotContain("nounPhrase", text);
        Assert.Equal(SandboxKind.Wasm, Packaging.Manifest.Parse(Encoding.UTF8.GetBytes(text)).Sandbox);
    }

    [Fact]
    public void Serialize_InvalidManifest_Throws()
    {
        var manifest = Packaging.Manifest.Parse(TestManifests.MinimalBytes) with { Version = 0 };

        var e = Assert.Throws<PackageException>(() => Packaging.Manifest.Serialize(manifest));

        Assert.Equal("manifest: 'version' must be an integer >= 1", e.Message);
    }
}
