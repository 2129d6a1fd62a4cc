using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Encryption;

/// <summary>A server-wide key (e.g. the one database secrets are derived from), stored wrapped under the master key.</summary>
public sealed class WrappedKey
{
    /// <summary>What the key is for, e.g. <c>server-secrets</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Id of the master key that wraps <see cref="Value"/>.</summary>
    public required string MasterKeyId { get; set; }

    /// <summary>The key, encrypted and authenticated under a key-encryption key derived from the master key.</summary>
    public required byte[] Value { get; set; }
}

internal sealed class WrappedKeyConfiguration : IEntityTypeConfiguration<WrappedKey>
{
    public void Configure(EntityTypeBuilder<WrappedKey> builder)
    {
        builder.ToTable("WrappedKeys");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.MasterKeyId).HasMaxLength(16);
    }
}
