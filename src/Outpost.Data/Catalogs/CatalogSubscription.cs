using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Catalogs;

/// <summary>A catalog this server follows: where it is, which key must sign it, and the last verified copy.</summary>
public sealed class CatalogSubscription
{
    public int Id { get; init; }

    /// <summary>The catalog file's URL, e.g. <c>https://apps.example.org/.well-known/outpost/catalog.json</c>.</summary>
    public required string Url { get; init; }

    /// <summary>The catalog key id a catalog from <see cref="Url"/> must be signed with.</summary>
    public required string KeyId { get; init; }

    /// <summary>The catalog's own title, from the last verified copy.</summary>
    public string? Title { get; set; }

    /// <summary>The last verified catalog file, exactly as signed; null until the first successful check.</summary>
    public byte[]? Content { get; set; }

    /// <summary>When the publisher built the copy in <see cref="Content"/>; an older catalog is refused as a replay.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public DateTimeOffset AddedAt { get; init; }

    public DateTimeOffset? CheckedAt { get; set; }

    /// <summary>Why the last check failed, for admins; null when it succeeded.</summary>
    public string? LastError { get; set; }
}

internal sealed class CatalogSubscriptionConfiguration : IEntityTypeConfiguration<CatalogSubscription>
{
    public void Configure(EntityTypeBuilder<CatalogSubscription> builder)
    {
        builder.ToTable("CatalogSubscriptions");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Url).HasMaxLength(2000);
        builder.HasIndex(c => c.Url).IsUnique();
        builder.Property(c => c.KeyId).HasMaxLength(64);
        builder.Property(c => c.Title).HasMaxLength(200);
        builder.Property(c => c.LastError).HasMaxLength(2000);
    }
}
