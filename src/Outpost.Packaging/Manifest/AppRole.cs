namespace Outpost.Packaging;

/// <summary>A named set of permissions offered when someone shares a grain.</summary>
public sealed record AppRole
{
    /// <summary>Stable identifier; shares store it, so renaming it breaks existing shares.</summary>
    public required string Id { get; init; }

    /// <summary>Name shown in the sharing dialog, e.g. "can edit".</summary>
    public required string Title { get; init; }

    /// <summary>Ids of the permissions this role grants; each must be declared in <see cref="AppManifest.Permissions"/>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Whether the sharing dialog preselects this role. At most one role is the default.</summary>
    public bool Default { get; init; }
}
