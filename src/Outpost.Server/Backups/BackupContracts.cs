using Outpost.Server.Grains;

namespace Outpost.Server.Backups;

/// <summary>
/// Body of <c>POST /api/grains/{id}/backup</c>: the secret the backup is encrypted with, a passphrase or an exported
/// backup key (its text, comment lines allowed). Exactly one of the two.
/// </summary>
public sealed record BackupRequest
{
    /// <summary>A passphrase of at least <see cref="BackupSecrets.MinPassphraseLength"/> characters.</summary>
    public string? Passphrase { get; init; }

    /// <summary>A backup key as exported by <c>outpost grain backup-key</c>.</summary>
    public string? Key { get; init; }
}

/// <summary>Answer of <c>POST /api/grains/restore</c>: the new grain and what of the backup could not be brought back.</summary>
public sealed record RestoreResult
{
    /// <summary>The restored grain (a new id, owned by the caller).</summary>
    public required GrainSummary Grain { get; init; }

    /// <summary>The grain's id in the backup (on the server that made it).</summary>
    public required string BackupGrainId { get; init; }

    /// <summary>Shares restored (people and links).</summary>
    public required int SharesRestored { get; init; }

    /// <summary>Access log lines copied in.</summary>
    public required int LogEntriesRestored { get; init; }

    /// <summary>One sentence per share or log line left out, saying why.</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>
    /// When the backup's app was not installed (or too old) and was installed from a subscribed catalog for this
    /// restore: a sentence saying which version from which catalog. Null otherwise.
    /// </summary>
    public string? AppInstalled { get; init; }
}
