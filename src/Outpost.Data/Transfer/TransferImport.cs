using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Transfer;

/// <summary>
/// A grain that arrived here from another server through a transfer offer. Pulling the same offer again skips the
/// grains listed here whose copy still exists.
/// </summary>
public sealed class TransferImport
{
    public int Id { get; init; }

    /// <summary>SHA-256 of the offer's token, keyed again for this purpose (see the transfer code), lowercase hex.</summary>
    public required string OfferKey { get; init; }

    /// <summary>The grain's id on the server it came from.</summary>
    public required string SourceGrainId { get; init; }

    /// <summary>The grain made here from it.</summary>
    public required string GrainId { get; init; }

    /// <summary>Who pulled it (the new grain's owner).</summary>
    public required string AccountId { get; init; }

    public DateTimeOffset At { get; init; }
}

internal sealed class TransferImportConfiguration : IEntityTypeConfiguration<TransferImport>
{
    public void Configure(EntityTypeBuilder<TransferImport> builder)
    {
        builder.ToTable("TransferImports");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.OfferKey).HasMaxLength(64);
        builder.Property(i => i.SourceGrainId).HasMaxLength(64);
        builder.Property(i => i.GrainId).HasMaxLength(32);
        builder.HasIndex(i => new { i.OfferKey, i.SourceGrainId });
    }
}
