namespace Outpost.Server.Apps;

/// <summary>An installed app as the API shows it.</summary>
public sealed record AppSummary
{
    public required string AppId { get; init; }

    public required string Title { get; init; }

    public required int Version { get; init; }

    public required string MarketingVersion { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<AppActionSummary> Actions { get; init; }

    public DateTimeOffset InstalledAt { get; init; }

    public int GrainCount { get; init; }

    /// <summary>The version an admin pinned the app to, or null.</summary>
    public int? PinnedVersion { get; init; }
}

/// <summary>One way to create a grain of an app.</summary>
public sealed record AppActionSummary(string Id, string Title);
