using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Sessions;

/// <summary>
/// One person's view of one grain through its own random host name. The host label is public (it is in the URL);
/// what proves the holder is the one-time ticket and then the cookie, both stored only as hashes.
/// </summary>
public sealed class SessionRecord
{
    /// <summary>The random 128-bit host label, 32 lowercase hex characters: the session host is <c>&lt;id&gt;.&lt;base domain&gt;</c>.</summary>
    public required string Id { get; init; }

    public required string GrainId { get; init; }

    /// <summary>The signed-in account using the session, or null for an anonymous visitor through a link.</summary>
    public string? AccountId { get; init; }

    /// <summary>The link share the session was opened through, or null when opened as an account.</summary>
    public string? LinkShareId { get; init; }

    public required string TicketHash { get; init; }

    public DateTimeOffset TicketExpiresAt { get; init; }

    public DateTimeOffset? TicketUsedAt { get; set; }

    public string? CookieHash { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class SessionRecordConfiguration : IEntityTypeConfiguration<SessionRecord>
{
    public void Configure(EntityTypeBuilder<SessionRecord> builder)
    {
        builder.ToTable("Sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(32);
        builder.HasIndex(s => s.GrainId);
        builder.HasOne<Grains.GrainRecord>().WithMany().HasForeignKey(s => s.GrainId).OnDelete(DeleteBehavior.Cascade);
    }
}
