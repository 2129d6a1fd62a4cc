using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Outpost.Data.AccessLog;

/// <summary>
/// One line of the access log: a session opened on a grain, or a significant action on it (a share made, changed or
/// revoked, a rename, a backup downloaded). Rows are append-only: the database refuses updates, and refuses to
/// delete rows younger than <see cref="MinimumRetentionDays"/> days, so no code path can quietly erase fresh evidence.
/// Names and titles are copied in, so the log still reads right after a rename or a deletion.
/// </summary>
public sealed class AccessLogEntry
{
    /// <summary>Rows younger than this many days cannot be deleted, whatever the retention setting says.</summary>
    public const int MinimumRetentionDays = 1;

    /// <summary>Increasing with time; the log's natural order.</summary>
    public long Id { get; init; }

    /// <summary>When it happened (UTC, millisecond precision).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The grain concerned; kept after the grain is deleted, so the server-wide log still shows it.</summary>
    public required string GrainId { get; init; }

    /// <summary>The grain's title at the time.</summary>
    public required string GrainTitle { get; init; }

    /// <summary>The grain's owner, so "my grains' log" needs no join with grains that may be gone.</summary>
    public required string GrainOwnerId { get; init; }

    /// <summary>What happened: one of <see cref="AccessLogActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The account that acted, or null for an anonymous visitor through a link.</summary>
    public string? ActorAccountId { get; init; }

    /// <summary>The actor's display name at the time, or "Anonymous".</summary>
    public required string ActorName { get; init; }

    /// <summary>For an open: the share it came through (the link, or the first share reaching the person); for share actions: the share acted on.</summary>
    public string? ShareId { get; init; }

    /// <summary>For an open: the role(s) held ("owner" for the owner); for share actions: the role granted.</summary>
    public string? Role { get; init; }

    /// <summary>The client's IP address, for opens and actions made over HTTP.</summary>
    public string? Address { get; init; }

    /// <summary>A short human description: "link “for reviewers”", "viewer → editor", "renamed from “Old”".</summary>
    public string? Detail { get; init; }
}

/// <summary>The kinds of entries in the access log.</summary>
public static class AccessLogActions
{
    /// <summary>A session was opened on the grain.</summary>
    public const string Open = "open";

    /// <summary>A share (to a person or a link) was made.</summary>
    public const string ShareCreate = "share.create";

    /// <summary>A share's role was changed.</summary>
    public const string ShareChange = "share.change";

    /// <summary>A share was revoked.</summary>
    public const string ShareRevoke = "share.revoke";

    /// <summary>The grain was renamed.</summary>
    public const string Rename = "grain.rename";

    /// <summary>The grain was moved to the trash.</summary>
    public const string Trash = "grain.trash";

    /// <summary>The grain was restored from the trash.</summary>
    public const string Restore = "grain.restore";

    /// <summary>The grain was deleted for good.</summary>
    public const string Delete = "grain.delete";

    /// <summary>A backup of the grain was downloaded.</summary>
    public const string BackupDownload = "backup.download";

    /// <summary>The grain's backup was downloaded by another server to move it there (a transfer offer).</summary>
    public const string TransferExport = "transfer.export";

    /// <summary>Every action, for validating filters.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Open, ShareCreate, ShareChange, ShareRevoke, Rename, Trash, Restore, Delete, BackupDownload, TransferExport,
    };
}

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    // Unix milliseconds: SQLite can then compare and sort times in SQL, which filtering a long log needs.
    private static readonly ValueConverter<DateTimeOffset, long> UnixMilliseconds =
        new(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public void Configure(EntityTypeBuilder<AccessLogEntry> builder)
    {
        builder.ToTable("AccessLog");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.At).HasConversion(UnixMilliseconds);
        builder.Property(e => e.GrainId).HasMaxLength(32);
        builder.Property(e => e.GrainTitle).HasMaxLength(200);
        builder.Property(e => e.GrainOwnerId).HasMaxLength(64);
        builder.Property(e => e.Action).HasMaxLength(40);
        builder.Property(e => e.ActorAccountId).HasMaxLength(64);
        builder.Property(e => e.ActorName).HasMaxLength(200);
        builder.Property(e => e.ShareId).HasMaxLength(32);
        builder.Property(e => e.Role).HasMaxLength(200);
        builder.Property(e => e.Address).HasMaxLength(64);
        builder.Property(e => e.Detail).HasMaxLength(500);
        builder.HasIndex(e => new { e.GrainId, e.Id });
        builder.HasIndex(e => e.At);

        // No foreign keys on purpose: the log outlives grains, shares and accounts it mentions.
    }
}
