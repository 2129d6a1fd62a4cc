using Microsoft.EntityFrameworkCore;
using Outpost.Data.Accounts;
using Outpost.Data.Apps;
using Outpost.Data.Grains;
using Outpost.Data.Sessions;

namespace Outpost.Data;

/// <summary>The metadata database: accounts, installed apps, grains and sessions. Grain data lives on disk, not here.</summary>
public sealed class OutpostDbContext(DbContextOptions<OutpostDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<InstalledApp> Apps => Set<InstalledApp>();

    public DbSet<GrainRecord> Grains => Set<GrainRecord>();

    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OutpostDbContext).Assembly);
}
