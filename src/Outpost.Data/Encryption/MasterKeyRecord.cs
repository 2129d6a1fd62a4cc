using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Encryption;

/// <summary>
/// A master key this data directory knows, by its key id (a check value derived from the key, never the key
/// itself): the current one, the one a rotation is moving to, and retired ones.
/// </summary>
public sealed class MasterKeyRecord
{
    /// <summary>16 hex characters derived from the key with HKDF; a wrong key gives another id.</summary>
    public required string Id { get; init; }

    public MasterKeyStatus Status { get; set; }

    /// <summary>Argon2id salt when the key is derived from a passphrase; null for a random key (file or environment).</summary>
    public byte[]? PassphraseSalt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Where a master key stands.</summary>
public enum MasterKeyStatus
{
    /// <summary>Wraps every key; the server needs it to start.</summary>
    Current = 0,

    /// <summary>A rotation is moving keys to it; some keys may already be wrapped under it.</summary>
    Next = 1,

    /// <summary>Replaced by a rotation; nothing is wrapped under it any more.</summary>
    Retired = 2,
}

internal sealed class MasterKeyRecordConfiguration : IEntityTypeConfiguration<MasterKeyRecord>
{
    public void Configure(EntityTypeBuilder<MasterKeyRecord> builder)
    {
        builder.ToTable("MasterKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(16);
    }
}
