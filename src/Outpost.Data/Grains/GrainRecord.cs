using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Grains;

/// <summary>One app instance holding one document (board, wiki, notebook ...).</summary>
public sealed class GrainRecord
{
    /// <summary>Random 128-bit id as 32 lowercase hex characters.</summary>
    public required string Id { get; init; }

    /// <summary>A small sequential number, unique on this server; it picks the grain's host uid for the sandbox.</summary>
    public int Number { get; init; }

    public required string AppId { get; init; }

    public required string ActionId { get; init; }

    public required string Title { get; set; }

    public required string OwnerId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastOpenedAt { get; set; }

    /// <summary>When the owner moved it to the trash; null while it is in use. Trashed grains can be restored.</summary>
    public DateTimeOffset? TrashedAt { get; set; }

    /// <summary>The app version the grain runs; it moves to a newer installed version on its next start.</summary>
    public int AppVersion { get; set; }

    /// <summary>While an update is being tried: the version the grain ran before, whose snapshot restores it.</summary>
    public int? UpdatingFromVersion { get; set; }

    /// <summary>A version that failed to start for this grain and was rolled back; it is not tried again.</summary>
    public int? RefusedVersion { get; set; }

    /// <summary>Why the last update was rolled back, for the owner and admins; null after a successful update.</summary>
    public string? UpdateNote { get; set; }

    /// <summary>Gas used by this grain so far: WebAssembly fuel, about one unit per instruction executed.</summary>
    public long FuelUsed { get; set; }

    /// <summary>The grain's own storage key (random, 32 bytes), wrapped under the master key; null for a grain created before encryption.</summary>
    public byte[]? StorageKey { get; set; }

    /// <summary>Id of the master key that wraps <see cref="StorageKey"/>.</summary>
    public string? StorageKeyId { get; set; }
}

internal sealed class GrainRecordConfiguration : IEntityTypeConfiguration<GrainRecord>
{
    public void Configure(EntityTypeBuilder<GrainRecord> builder)
    {
        builder.ToTable("Grains");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasMaxLength(32);
        builder.HasIndex(g => g.Number).IsUnique();
        builder.Property(g => g.Title).HasMaxLength(200);
        builder.Property(g => g.UpdateNote).HasMaxLength(2000);
        builder.HasIndex(g => g.OwnerId);
        builder.HasIndex(g => g.AppId);
        builder.Property(g => g.StorageKeyId).HasMaxLength(16);
    }
}
