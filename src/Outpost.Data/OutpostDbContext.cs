using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Outpost.Data.Accounts;
using Outpost.Data.Apps;
using Outpost.Data.Catalogs;
using Outpost.Data.Encryption;
using Outpost.Data.Grains;
using Outpost.Data.Sessions;
using Outpost.Data.Settings;
using Outpost.Data.Sharing;
using Outpost.Data.Transfer;

namespace Outpost.Data;

/// <summary>
/// The metadata database: accounts (ASP.NET Core Identity), installed apps, grains, sessions, invitations and
/// settings. Grain data lives on disk, not here.
/// </summary>
public sealed class OutpostDbContext(DbContextOptions<OutpostDbContext> options) : IdentityDbContext<Account>(options)
{
    /// <summary>The people of this group (Identity's user table).</summary>
    public DbSet<Account> Accounts => Users;

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<InstalledApp> Apps => Set<InstalledApp>();

    /// <summary>Every installed version of every app.</summary>
    public DbSet<AppVersionRecord> AppVersions => Set<AppVersionRecord>();

    /// <summary>Catalogs this server follows for installs and automatic updates.</summary>
    public DbSet<CatalogSubscription> CatalogSubscriptions => Set<CatalogSubscription>();

    public DbSet<GrainRecord> Grains => Set<GrainRecord>();

    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    /// <summary>Shares of grains with people and by link; revoked ones stay.</summary>
    public DbSet<ShareRecord> Shares => Set<ShareRecord>();

    public DbSet<ServerSetting> Settings => Set<ServerSetting>();

    /// <summary>Append-only record of who opened which grain and what they did with its sharing.</summary>
    public DbSet<AccessLog.AccessLogEntry> AccessLog => Set<AccessLog.AccessLogEntry>();

    /// <summary>Master keys by id (check values only): current, rotating to, retired.</summary>
    public DbSet<MasterKeyRecord> MasterKeys => Set<MasterKeyRecord>();

    /// <summary>Server-wide keys wrapped under the master key.</summary>
    public DbSet<WrappedKey> WrappedKeys => Set<WrappedKey>();

    /// <summary>Offers to move grains to another server (their tokens hashed).</summary>
    public DbSet<TransferOffer> TransferOffers => Set<TransferOffer>();

    /// <summary>Grains that arrived from another server, so a repeated pull skips them.</summary>
    public DbSet<TransferImport> TransferImports => Set<TransferImport>();

    /// <summary>
    /// Configures a context on a SQLite file. Identity picks its schema version (3: with the passkeys table) from
    /// the options' service provider, so every context, whether built by the server, the CLI or the migrations
    /// tool, gets the same small provider and therefore the same model.
    /// </summary>
    public static DbContextOptionsBuilder UseOutpostSqlite(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString).UseApplicationServiceProvider(IdentitySchema.Services);

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OutpostDbContext).Assembly);
    }
}
