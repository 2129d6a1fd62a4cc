namespace Outpost.Core.Sharing;

/// <summary>One edge of a grain's sharing graph: <see cref="From"/> gave <see cref="To"/> a role on the grain.</summary>
/// <remarks>
/// A share names a role, never a list of permissions: permissions are looked up in the app's current roles at each
/// access, so an app update that redefines a role applies to every existing share.
/// </remarks>
public sealed record Share
{
    /// <summary>Stable id; for a link share it is also the identity of the link's holder (<see cref="Principal.Link"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The grain this share gives access to.</summary>
    public required string GrainId { get; init; }

    /// <summary>Who made the share: the owner, an account that held access, or the holder of a link.</summary>
    public required Principal From { get; init; }

    /// <summary>The account the share is for, or null for a secret link.</summary>
    public string? ToAccountId { get; init; }

    /// <summary>Id of the app role granted; an id the app no longer declares grants nothing.</summary>
    public required string RoleId { get; init; }

    /// <summary>When the share was made; it grants nothing before that instant.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>From this instant on the share grants nothing, exactly as if it had been revoked then.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the share was revoked, or null while it stands.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True for a secret-link share, held by whoever presents the link.</summary>
    public bool IsLink => ToAccountId is null;

    /// <summary>Who receives the share: the account, or for a link the link's holder.</summary>
    public Principal To => ToAccountId is null ? Principal.Link(Id) : Principal.Account(ToAccountId);

    /// <summary>True when the share is in force at <paramref name="now"/>: made, not yet expired, not revoked.</summary>
    public bool IsActiveAt(DateTimeOffset now) =>
        CreatedAt <= now
        && (ExpiresAt is not { } expires || now < expires)
        && (RevokedAt is not { } revoked || now < revoked);
}
