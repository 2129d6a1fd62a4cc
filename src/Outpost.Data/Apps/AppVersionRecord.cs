using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Apps;

/// <summary>One installed version of an app: its unpacked package is at <c>apps/&lt;app id&gt;/&lt;version&gt;</c>.</summary>
public sealed class AppVersionRecord
{
    public required string AppId { get; init; }

    public int Version { get; init; }

    public required string MarketingVersion { get; init; }

    /// <summary>The verified manifest of this version as JSON.</summary>
    public required string ManifestJson { get; init; }

    public required string PackageSha256 { get; init; }

    public long PackageSize { get; init; }

    public DateTimeOffset InstalledAt { get; init; }

    /// <summary>Since when no grain runs this version (and it is neither the newest nor pinned); removed after a grace period.</summary>
    public DateTimeOffset? UnusedSince { get; set; }
}

internal sealed class AppVersionRecordConfiguration : IEntityTypeConfiguration<AppVersionRecord>
{
    public void Configure(EntityTypeBuilder<AppVersionRecord> builder)
    {
        builder.ToTable("AppVersions");
        builder.HasKey(v => new { v.AppId, v.Version });
        builder.Property(v => v.AppId).HasMaxLength(64);
        builder.Property(v => v.MarketingVersion).HasMaxLength(100);
        builder.Property(v => v.PackageSha256).HasMaxLength(64);
    }
}
