using Outpost.Server.Grains;

namespace Outpost.Server.Sharing;

/// <summary>Body of <c>POST /api/grains/{id}/shares</c>: with <see cref="Person"/> a person share, without it a secret link.</summary>
public sealed record CreateShareRequest
{
    /// <summary>The app role to grant, e.g. "viewer".</summary>
    public required string Role { get; init; }

    /// <summary>The person to share with, by email address or by name; null makes a secret link.</summary>
    public string? Person { get; init; }

    /// <summary>A name for a link, shown in "who has access".</summary>
    public string? Label { get; init; }

    /// <summary>How long the share lasts, as a TimeSpan ("7.00:00:00"); null for no expiry.</summary>
    public string? ExpiresIn { get; init; }

    /// <summary>For a link: refuse visitors who are not signed in.</summary>
    public bool SignInRequired { get; init; }
}

/// <summary>A share just made; <see cref="Url"/> is the link, shown this once and never again.</summary>
public sealed record ShareCreated
{
    /// <summary>The share's id, for revoking it.</summary>
    public required string Id { get; init; }

    /// <summary>For a link: <c>&lt;shell&gt;/shared/&lt;token&gt;</c>.</summary>
    public string? Url { get; init; }
}

/// <summary>Body of <c>PATCH /api/shares/{id}</c>.</summary>
public sealed record ChangeShareRequest
{
    /// <summary>The app role the share grants from now on.</summary>
    public required string Role { get; init; }
}

/// <summary>Body of <c>POST /api/shares/open</c>.</summary>
public sealed record OpenLinkRequest
{
    /// <summary>The secret token from the link.</summary>
    public required string Token { get; init; }
}

/// <summary>One entry of "who has access" to a grain.</summary>
public sealed record AccessEntry
{
    /// <summary>The share, or null for the owner.</summary>
    public string? ShareId { get; init; }

    /// <summary>"owner", "person" or "link".</summary>
    public required string Kind { get; init; }

    /// <summary>The account, for the owner and people.</summary>
    public string? AccountId { get; init; }

    /// <summary>The person's display name, or the link's label.</summary>
    public string? Name { get; init; }

    /// <summary>The role the share grants ("owner" for the owner).</summary>
    public required string Role { get; init; }

    /// <summary>Effective permissions now, which a re-share may have cut down below its role.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Display name of who made the share.</summary>
    public string? AddedBy { get; init; }

    /// <summary>When the share was made.</summary>
    public DateTimeOffset? AddedAt { get; init; }

    /// <summary>When the share ends by itself, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For a link: anonymous visitors are refused.</summary>
    public bool SignInRequired { get; init; }

    /// <summary>Whether the caller may change or revoke this share (the grain's owner, or whoever made it).</summary>
    public bool CanManage { get; init; }
}

/// <summary>A sharing request that cannot be done; the API answers with <see cref="Status"/>, the shell shows the message.</summary>
public sealed class ShareRequestException(int status, string title, string detail) : Exception($"{title}: {detail}")
{
    /// <summary>The HTTP status that fits.</summary>
    public int Status { get; } = status;

    /// <summary>A short headline.</summary>
    public string Title { get; } = title;

    /// <summary>What happened and what to do.</summary>
    public string Detail { get; } = detail;
}

/// <summary>A link opened: the session to frame, with the grain and what the visitor holds on it.</summary>
public sealed record LinkOpened(SessionCreated Session, string GrainId, string GrainTitle, string AppId, AccessResultView Access);

/// <summary>What a visitor holds on a grain, for the shell to show ("You can view").</summary>
public sealed record AccessResultView(bool IsOwner, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions);
