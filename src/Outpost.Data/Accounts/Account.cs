using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Accounts;

/// <summary>A person (or the built-in administrator) in this group.</summary>
public sealed class Account
{
    /// <summary>The id of the built-in administrator account that admin API tokens act as.</summary>
    public const string AdminId = "admin";

    public required string Id { get; init; }

    public required string Name { get; set; }

    public bool IsAdmin { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(64);
        builder.Property(a => a.Name).HasMaxLength(200);
    }
}
