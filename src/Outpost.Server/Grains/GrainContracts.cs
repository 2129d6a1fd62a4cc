namespace Outpost.Server.Grains;

/// <summary>A grain as the API lists it.</summary>
public sealed record GrainSummary
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string AppId { get; init; }

    public required string AppTitle { get; init; }

    public required string ActionId { get; init; }

    public bool Running { get; init; }

    public long? MemoryBytes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastOpenedAt { get; init; }

    /// <summary>Set while the grain is in the trash.</summary>
    public DateTimeOffset? TrashedAt { get; init; }

    public string? OwnerId { get; init; }

    /// <summary>CPU time used by the running sandbox, in seconds; null when stopped.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>Gas used so far by a WebAssembly grain (fuel units, about one per instruction).</summary>
    public long FuelUsed { get; init; }

    /// <summary>The app version the grain runs (it moves to a newer installed version on its next start).</summary>
    public int AppVersion { get; init; }

    /// <summary>Why the grain's last automatic update was rolled back; null when there is nothing to report.</summary>
    public string? UpdateNote { get; init; }
}

/// <summary>Body of <c>PATCH /api/grains/{id}</c>.</summary>
public sealed record UpdateGrainRequest
{
    public string? Title { get; init; }
}

/// <summary>Body of <c>POST /api/grains</c>.</summary>
public sealed record CreateGrainRequest
{
    public required string AppId { get; init; }

    /// <summary>The app action to run; default: the app's first action.</summary>
    public string? Action { get; init; }

    /// <summary>Default: "Untitled &lt;noun&gt;".</summary>
    public string? Title { get; init; }
}

/// <summary>A new session on a grain: open <see cref="Url"/> once, in a browser or with <c>curl -L -b ''</c>.</summary>
public sealed record SessionCreated
{
    public required string SessionId { get; init; }

    public required string Url { get; init; }

    public DateTimeOffset TicketExpiresAt { get; init; }
}
