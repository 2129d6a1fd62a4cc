using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Accounts;

/// <summary>
/// A single-use link that lets someone create an account with a given role. The first-run setup link is the same
/// thing with <see cref="InvitationKind.Setup"/>: it claims the built-in admin account instead of creating one.
/// </summary>
public sealed class Invitation
{
    public required string Id { get; init; }

    public InvitationKind Kind { get; init; }

    /// <summary>SHA-256 of the token in the link; the token itself is never stored.</summary>
    public required string TokenHash { get; init; }

    public AccountRole Role { get; init; }

    /// <summary>An optional note for the admin's list ("for Alice").</summary>
    public string? Note { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }

    public string? UsedBy { get; set; }
}

/// <summary>What following an invitation does.</summary>
public enum InvitationKind
{
    /// <summary>Creates a new account.</summary>
    Invite = 0,

    /// <summary>Sets up the built-in admin account on first run.</summary>
    Setup = 1,
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasMaxLength(32);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Note).HasMaxLength(200);
    }
}
