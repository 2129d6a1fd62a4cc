using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Accounts;

/// <summary>A bearer token for the HTTP API. Only its SHA-256 hash is stored.</summary>
public sealed class ApiToken
{
    public required string Id { get; init; }

    public required string AccountId { get; init; }

    public required string TokenHash { get; init; }

    public required string Name { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(64);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId);
    }
}
