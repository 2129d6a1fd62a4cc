namespace Outpost.Packaging;

/// <summary>A permission the app enforces itself; the platform tells it which ones the current user holds.</summary>
public sealed record AppPermission
{
    /// <summary>Stable identifier, sent to the app in <c>X-Outpost-Permissions</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Short name shown to people, e.g. "edit".</summary>
    public required string Title { get; init; }

    /// <summary>One sentence on what the permission allows.</summary>
    public string? Description { get; init; }
}
