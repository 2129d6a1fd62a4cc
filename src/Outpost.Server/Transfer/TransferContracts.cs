namespace Outpost.Server.Transfer;

/// <summary>Body of <c>POST /api/transfers</c>: which of the caller's grains to offer, and for how long.</summary>
public sealed record CreateOfferRequest
{
    /// <summary>The grains to offer; null or empty offers every grain the caller owns when the other server asks.</summary>
    public IReadOnlyList<string>? GrainIds { get; init; }

    /// <summary>How long the token works. Default 24 hours; at most <see cref="TransferOffers.MaxLifetime"/>.</summary>
    public TimeSpan? ExpiresIn { get; init; }
}

/// <summary>A new offer: its token is shown this once and stored only as a hash.</summary>
public sealed record OfferCreated
{
    /// <summary>The offer as listed.</summary>
    public required OfferSummary Offer { get; init; }

    /// <summary>The secret the other server presents; whoever holds it can copy the offered grains until it expires.</summary>
    public required string Token { get; init; }

    /// <summary>The command to run against the receiving server, with the token left to an environment variable.</summary>
    public required string Command { get; init; }
}

/// <summary>One transfer offer, as its owner sees it (never with its token).</summary>
public sealed record OfferSummary
{
    public required string Id { get; init; }

    /// <summary>The offered grain ids, or null for "all my grains".</summary>
    public IReadOnlyList<string>? GrainIds { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>When the receiving server reported that it has every offered grain.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>How many grain backups were downloaded with the token.</summary>
    public required int ExportCount { get; init; }

    /// <summary>"active", "expired", "cancelled" or "completed".</summary>
    public required string State { get; init; }
}

/// <summary>Answer of <c>GET /api/transfer/grains</c> (token-authenticated): what the offer lets the other server copy.</summary>
public sealed record OfferedGrains
{
    public required string OfferId { get; init; }

    public required IReadOnlyList<OfferedGrain> Grains { get; init; }
}

/// <summary>One grain an offer covers.</summary>
public sealed record OfferedGrain
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string AppId { get; init; }

    public string? AppTitle { get; init; }

    public required long AppVersion { get; init; }

    public string? AppMarketingVersion { get; init; }

    /// <summary>Size of the grain's storage on disk (encrypted), a guide to the backup's size.</summary>
    public required long StorageBytes { get; init; }
}

/// <summary>Body of <c>POST /api/transfer/complete</c>: the receiving server has these grains now.</summary>
public sealed record CompleteRequest
{
    /// <summary>Ids (on the offering server) of the grains the receiving server holds.</summary>
    public required IReadOnlyList<string> GrainIds { get; init; }

    /// <summary>Move those originals to their owner's trash (recoverable from there).</summary>
    public bool RemoveSource { get; init; }
}

/// <summary>Answer of <c>POST /api/transfer/complete</c>.</summary>
public sealed record CompleteResult
{
    /// <summary>True when every grain of the offer has arrived, so the offer is marked completed.</summary>
    public required bool Completed { get; init; }

    /// <summary>Originals moved to the trash.</summary>
    public required int Trashed { get; init; }
}

/// <summary>Body of <c>POST /api/transfers/pulls</c>: fetch an offer's grains from another server.</summary>
public sealed record PullRequest
{
    /// <summary>The offering server's address, e.g. https://old.example.org.</summary>
    public required string Url { get; init; }

    /// <summary>The offer's token.</summary>
    public required string Token { get; init; }

    /// <summary>Ask the offering server to move its originals to the trash once all have arrived.</summary>
    public bool RemoveSource { get; init; }
}

/// <summary>A pull as it runs: one line per grain.</summary>
public sealed record PullStatus
{
    public required string Id { get; init; }

    /// <summary>"running", "done" (every grain arrived or was there already) or "failed" (some did not; see each grain).</summary>
    public required string State { get; init; }

    /// <summary>What went wrong for the pull as a whole, or what happened at the end.</summary>
    public string? Message { get; init; }

    public required IReadOnlyList<PullGrainStatus> Grains { get; init; }
}

/// <summary>One grain of a pull.</summary>
public sealed record PullGrainStatus
{
    /// <summary>The grain's id on the offering server.</summary>
    public required string SourceId { get; init; }

    public required string Title { get; init; }

    /// <summary>"waiting", "downloading", "restoring" (installing its app from a catalog first if needed), "done", "skipped" (moved before) or "failed".</summary>
    public required string State { get; init; }

    public required long BytesDone { get; init; }

    /// <summary>The backup's size once the offering server has said it; before that, the listed storage size.</summary>
    public required long BytesTotal { get; init; }

    /// <summary>The grain made here.</summary>
    public string? GrainId { get; init; }

    public string? Error { get; init; }
}
