namespace Outpost.Core.Sharing;

/// <summary>What a principal may do with a grain at one instant, and which shares say so.</summary>
public sealed record AccessResult
{
    /// <summary>The result for someone with no access at all.</summary>
    public static AccessResult None { get; } = new();

    /// <summary>True when the principal may open the grain; a role with no permissions still grants access.</summary>
    public bool HasAccess { get; init; }

    /// <summary>True for the grain's owner, who holds every permission without any share.</summary>
    public bool IsOwner { get; init; }

    /// <summary>Effective permission ids in the app's declaration order, ready for <c>X-Outpost-Permissions</c>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Distinct role ids of the shares that grant access; empty for the owner.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The shares held directly by the principal that grant access, each with one chain proving it.</summary>
    public IReadOnlyList<AccessGrant> Grants { get; init; } = [];

    /// <summary>True when the effective permissions include <paramref name="permission"/>.</summary>
    public bool Holds(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);
}

/// <summary>One share through which a principal holds access: what it grants and a chain from the owner to it.</summary>
public sealed record AccessGrant
{
    /// <summary>The share held by the principal; the access log records its id as "through which share".</summary>
    public required Share Share { get; init; }

    /// <summary>What this share grants: its role's permissions, cut down to what its maker holds.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>
    /// One chain of active shares from the owner ending with <see cref="Share"/>, fewest hops first found; other chains
    /// may exist and are not listed (listing every chain is exponential).
    /// </summary>
    public IReadOnlyList<Share> Path { get; init; } = [];
}
