using System.Text.Json.Serialization;

namespace Outpost.Packaging;

/// <summary>
/// What a backup says about its grain (stored as <c>backup.json</c>, the first entry of the archive): enough to tell
/// which app and version must be installed before restoring, and to recreate the grain's title, shares and log.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The version of the backup.json layout this server writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Layout version of this backup.json; readers refuse versions newer than they know.</summary>
    [JsonRequired]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The grain's id on the server that made the backup.</summary>
    public required string GrainId { get; init; }

    /// <summary>The grain's title.</summary>
    public required string Title { get; init; }

    /// <summary>
    /// The account that owned the grain on the server that made the backup; shares it made are the restoring
    /// person's on restore. Absent in backups that did not record it.
    /// </summary>
    public string? OwnerAccountId { get; init; }

    /// <summary>The app the grain runs (its signing key's app id).</summary>
    public required string AppId { get; init; }

    /// <summary>The app's integer version the grain last ran; restoring needs this version or a newer one.</summary>
    public required long AppVersion { get; init; }

    /// <summary>The app's version as people know it ("2.1.0"), for messages.</summary>
    public string? AppMarketingVersion { get; init; }

    /// <summary>The app's title, for messages such as "needs Notes 2.1.0".</summary>
    public string? AppTitle { get; init; }

    /// <summary>When the backup was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The grain's shares, revoked ones included (the access log refers to them).</summary>
    [JsonRequired]
    public IReadOnlyList<BackupShare> Shares { get; init; } = [];

    /// <summary>The grain's access log, oldest first.</summary>
    [JsonRequired]
    public IReadOnlyList<BackupLogEntry> AccessLog { get; init; } = [];

    /// <summary>"Notes 2.1.0 (version 7, app id …)": the app a restore needs, in a sentence.</summary>
    public string DescribeApp() =>
        $"{AppTitle ?? "the app"} {AppMarketingVersion ?? $"version {AppVersion}"} (app id {AppId}, version {AppVersion} or newer)";
}

/// <summary>One share of the grain as it stood when the backup was made.</summary>
public sealed record BackupShare
{
    /// <summary>The share's id, to which log entries refer.</summary>
    public required string Id { get; init; }

    /// <summary>The account the share is for, or null for a secret link.</summary>
    public string? ToAccountId { get; init; }

    /// <summary>For a link: the hash of its secret token (never the token).</summary>
    public string? TokenHash { get; init; }

    /// <summary>The app role granted.</summary>
    public required string RoleId { get; init; }

    /// <summary>The account that made the share, or null when it was made through a link.</summary>
    public string? FromAccountId { get; init; }

    /// <summary>The link share through which the share was made, if any.</summary>
    public string? FromLinkShareId { get; init; }

    /// <summary>The account that physically made the share.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>An optional name for a link.</summary>
    public string? Label { get; init; }

    /// <summary>For a link: only signed-in people may open it.</summary>
    public bool SignInRequired { get; init; }

    /// <summary>When the share was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>From this instant on the share grants nothing.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the share was revoked, or null while it stood.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>One line of the grain's access log.</summary>
public sealed record BackupLogEntry
{
    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened ("open", "share.create", …).</summary>
    public required string Action { get; init; }

    /// <summary>The grain's title at the time.</summary>
    public string? GrainTitle { get; init; }

    /// <summary>The account that acted, or null for an anonymous visitor.</summary>
    public string? ActorAccountId { get; init; }

    /// <summary>The actor's display name at the time.</summary>
    public required string ActorName { get; init; }

    /// <summary>The share concerned, if any.</summary>
    public string? ShareId { get; init; }

    /// <summary>The role held or granted, if any.</summary>
    public string? Role { get; init; }

    /// <summary>The client's IP address, if recorded.</summary>
    public string? Address { get; init; }

    /// <summary>A short human description.</summary>
    public string? Detail { get; init; }
}
