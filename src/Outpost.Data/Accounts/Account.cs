using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Outpost.Data.Accounts;

/// <summary>A person in this group: an ASP.NET Core Identity user with a display name and one role.</summary>
public sealed class Account : IdentityUser
{
    /// <summary>
    /// The built-in administrator. It exists from the first start (admin API tokens act as it) but has no password
    /// until someone follows the one-time setup link, which gives it a name, an email and a password.
    /// </summary>
    public const string AdminId = "admin";

    /// <summary>The name shown to others and sent to apps in <c>X-Outpost-User-Name</c>.</summary>
    public required string Name { get; set; }

    public AccountRole Role { get; set; } = AccountRole.User;

    /// <summary>A disabled account cannot sign in and its API tokens stop working; its grains stay.</summary>
    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What an account may do in this group.</summary>
public enum AccountRole
{
    /// <summary>May only open what is shared with them.</summary>
    Visitor = 0,

    /// <summary>May install apps and create grains.</summary>
    User = 1,

    /// <summary>May also manage people, apps and server settings.</summary>
    Admin = 2,
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Role).HasConversion<string>().HasMaxLength(16);
    }
}
