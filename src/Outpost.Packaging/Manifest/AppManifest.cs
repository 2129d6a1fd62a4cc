using System.Text.Json.Serialization;

namespace Outpost.Packaging;

/// <summary>
/// What an app declares about itself: how people see it, how grains of it are created and shared, and how its sandbox
/// starts it. Stored as <c>manifest.json</c> in every package; docs/manifest.md is the author-facing reference.
/// </summary>
public sealed record AppManifest
{
    /// <summary>Version of the manifest schema. Only 1 exists; a reader refuses versions it does not know.</summary>
    public int ManifestVersion { get; init; } = 1;

    /// <summary>The app's name as shown to people, e.g. "Etherpad".</summary>
    public required string Title { get; init; }

    /// <summary>Integer version, at least 1. Orders the versions of one app: an update must carry a larger number.</summary>
    public required int Version { get; init; }

    /// <summary>Version as shown to people, e.g. "1.2.0". Free-form; never compared.</summary>
    public required string MarketingVersion { get; init; }

    /// <summary>Ways to create a grain (an instance) of the app, e.g. "New document". At least one.</summary>
    public IReadOnlyList<AppAction> Actions { get; init; } = [];

    /// <summary>Permissions the app understands; the platform passes the granted ones to the app on each request.</summary>
    public IReadOnlyList<AppPermission> Permissions { get; init; } = [];

    /// <summary>Named bundles of permissions offered when a grain is shared, e.g. "editor", "viewer".</summary>
    public IReadOnlyList<AppRole> Roles { get; init; } = [];

    /// <summary>Which sandbox runs the app. Default <see cref="SandboxKind.Native"/>.</summary>
    public SandboxKind Sandbox { get; init; }

    /// <summary>The program the sandbox starts.</summary>
    public required AppCommand Command { get; init; }

    /// <summary>TCP port the app listens on inside the sandbox. Required (1..65535) for native apps; 0 (absent) for wasm.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Port { get; init; }

    /// <summary>
    /// Memory the app asks for in MiB (16..65536), for apps that need more or less than the server's default per grain.
    /// The server grants at most its own maximum. 0 (absent): the server's default.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MemoryMiB { get; init; }

    /// <summary>Descriptive information for app listings.</summary>
    public AppMetadata Metadata { get; init; } = new();
}
