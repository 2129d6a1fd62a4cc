using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Sharing;

/// <summary>
/// One share of a grain: to a person (<see cref="ToAccountId"/>) or by secret link (<see cref="TokenHash"/>). Rows
/// are never deleted, only revoked, because sessions and the access log refer to share ids.
/// </summary>
public sealed class ShareRecord
{
    /// <summary>Random 128-bit id; for a link it is also the link holder's identity in the sharing graph.</summary>
    public required string Id { get; init; }

    /// <summary>The grain shared.</summary>
    public required string GrainId { get; init; }

    /// <summary>The account that made the share, or null when it was made through a link.</summary>
    public string? FromAccountId { get; init; }

    /// <summary>The link share through which the share was made, or null when an account made it.</summary>
    public string? FromLinkShareId { get; init; }

    /// <summary>The account the share is for, or null for a secret link.</summary>
    public string? ToAccountId { get; init; }

    /// <summary>For a link: the hash of its secret token (<c>SecretToken.Hash</c>); the token itself is never stored.</summary>
    public string? TokenHash { get; init; }

    /// <summary>The app role granted, looked up in the manifest at each access.</summary>
    public required string RoleId { get; set; }

    /// <summary>An optional name for a link, shown in "who has access".</summary>
    public string? Label { get; init; }

    /// <summary>From this instant on the share grants nothing.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For a link: anonymous visitors are refused; only signed-in people may open it.</summary>
    public bool SignInRequired { get; init; }

    /// <summary>The account that physically made the share (for "added by", even when <see cref="FromLinkShareId"/> is set).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the share was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the share was revoked, or null while it stands.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class ShareRecordConfiguration : IEntityTypeConfiguration<ShareRecord>
{
    public void Configure(EntityTypeBuilder<ShareRecord> builder)
    {
        builder.ToTable("Shares");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(32);
        builder.Property(s => s.RoleId).HasMaxLength(100);
        builder.Property(s => s.Label).HasMaxLength(200);
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.GrainId);
        builder.HasIndex(s => s.ToAccountId);

        // Rows are never deleted one by one; only deleting the whole grain (for good) takes its shares along.
        builder.HasOne<Grains.GrainRecord>().WithMany().HasForeignKey(s => s.GrainId).OnDelete(DeleteBehavior.Cascade);
    }
}
