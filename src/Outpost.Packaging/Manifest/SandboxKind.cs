using System.Text.Json.Serialization;

namespace Outpost.Packaging;

/// <summary>Which sandbox runs an app. Written in JSON as <c>"native"</c> or <c>"wasm"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SandboxKind>))]
public enum SandboxKind
{
    /// <summary>An unmodified Linux program in a bubblewrap sandbox; the package is its read-only root filesystem.</summary>
    [JsonStringEnumMemberName("native")]
    Native,

    /// <summary>A WASI module run per request (WAGI) under Wasmtime.</summary>
    [JsonStringEnumMemberName("wasm")]
    Wasm,
}
