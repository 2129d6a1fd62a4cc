using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Transfer;

/// <summary>
/// An offer to move some of one person's grains to another server: the other server presents the offer's token to
/// list and download them. Only the token's SHA-256 is stored.
/// </summary>
public sealed class TransferOffer
{
    /// <summary>Random id (16 hex characters) by which the owner lists and cancels the offer; not a secret.</summary>
    public required string Id { get; init; }

    /// <summary>The account whose grains are offered; only grains it still owns are ever exported.</summary>
    public required string OwnerId { get; init; }

    /// <summary>SHA-256 of the token, lowercase hex.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The offered grain ids separated by spaces, or null for every grain the owner has (when it is used).</summary>
    public string? GrainIds { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the owner cancelled it; the token no longer works.</summary>
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>When the receiving server said it had every offered grain.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>How many grain backups were downloaded with it.</summary>
    public int ExportCount { get; set; }

    /// <summary>Ids of the grains downloaded with it, separated by spaces: only these may be moved to the trash afterwards.</summary>
    public string ExportedGrainIds { get; set; } = "";
}

internal sealed class TransferOfferConfiguration : IEntityTypeConfiguration<TransferOffer>
{
    public void Configure(EntityTypeBuilder<TransferOffer> builder)
    {
        builder.ToTable("TransferOffers");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(16);
        builder.Property(o => o.TokenHash).HasMaxLength(64);
        builder.HasIndex(o => o.TokenHash).IsUnique();
        builder.HasIndex(o => o.OwnerId);
        builder.HasOne<Accounts.Account>().WithMany().HasForeignKey(o => o.OwnerId);
    }
}
