namespace Outpost.Packaging;

/// <summary>How far a backup or restore has come, in bytes of grain storage files.</summary>
/// <param name="BytesDone">File bytes written or restored so far.</param>
/// <param name="BytesTotal">File bytes in all, when known (a backup knows it up front; a restore learns it as it goes).</param>
public sealed record BackupProgress(long BytesDone, long? BytesTotal);

/// <summary>What a finished backup holds.</summary>
public sealed record BackupSummary
{
    /// <summary>Regular files stored.</summary>
    public required int Files { get; init; }

    /// <summary>Directories stored, the storage directory itself included.</summary>
    public required int Directories { get; init; }

    /// <summary>Symlinks stored.</summary>
    public required int Symlinks { get; init; }

    /// <summary>Sum of the sizes of the files stored.</summary>
    public required long FileBytes { get; init; }

    /// <summary>Sockets and fifos left out (relative to the storage directory): they hold no data and are recreated by the app.</summary>
    public required IReadOnlyList<string> Skipped { get; init; }
}
