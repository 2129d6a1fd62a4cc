using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Apps;

/// <summary>
/// An app installed on this server. Its fields describe the newest installed version; every installed version
/// (grains may still run older ones) has an <see cref="AppVersionRecord"/>.
/// </summary>
public sealed class InstalledApp
{
    /// <summary>The app id: the text form of the app's signing public key.</summary>
    public required string AppId { get; init; }

    public required string Title { get; set; }

    public int Version { get; set; }

    public required string MarketingVersion { get; set; }

    /// <summary>The verified manifest as JSON, kept so requests don't re-read the package from disk.</summary>
    public required string ManifestJson { get; set; }

    public required string PackageSha256 { get; set; }

    public long PackageSize { get; set; }

    public DateTimeOffset InstalledAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set by an admin: grains move to this version and no further, and catalog updates are not fetched.</summary>
    public int? PinnedVersion { get; set; }
}

internal sealed class InstalledAppConfiguration : IEntityTypeConfiguration<InstalledApp>
{
    public void Configure(EntityTypeBuilder<InstalledApp> builder)
    {
        builder.HasKey(a => a.AppId);
        builder.Property(a => a.AppId).HasMaxLength(64);
        builder.Property(a => a.Title).HasMaxLength(200);
        builder.Property(a => a.MarketingVersion).HasMaxLength(100);
        builder.Property(a => a.PackageSha256).HasMaxLength(64);
    }
}
