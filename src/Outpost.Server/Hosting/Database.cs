using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Accounts;

namespace Outpost.Server.Hosting;

/// <summary>Opens and migrates the metadata database (SQLite in the data directory).</summary>
public static class Database
{
    /// <summary>The SQLite connection string for a data directory.</summary>
    public static string ConnectionString(DataPaths paths) =>
        new SqliteConnectionStringBuilder { DataSource = paths.Database, DefaultTimeout = 30, Pooling = true }.ToString();

    /// <summary>Options for a context on this data directory, for tools that run without the server (e.g. <c>outpost admin-token</c>).</summary>
    public static DbContextOptions<OutpostDbContext> Options(DataPaths paths) =>
        (DbContextOptions<OutpostDbContext>)OutpostDbContext.UseOutpostSqlite(new DbContextOptionsBuilder<OutpostDbContext>(), ConnectionString(paths)).Options;

    /// <summary>Creates the file with owner-only permissions, applies migrations, and seeds the admin account.</summary>
    public static async Task MigrateAsync(OutpostDbContext db, DataPaths paths, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(paths.Database))
        {
            // Created by us first so it is never, even briefly, readable by others (it holds token hashes).
            using (File.Create(paths.Database, 0, FileOptions.None))
            {
            }

            File.SetUnixFileMode(paths.Database, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await db.Database.MigrateAsync(cancellationToken);

        // WAL lets the CLI (admin-token) and the server use the file at the same time.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        if (!await db.Accounts.AnyAsync(a => a.Id == Account.AdminId, cancellationToken))
        {
            // No password: the one-time setup link gives this account its credentials (no default password anywhere).
            db.Accounts.Add(new Account
            {
                Id = Account.AdminId,
                UserName = "admin",
                NormalizedUserName = "ADMIN",
                Name = "Admin",
                Role = AccountRole.Admin,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString("N"),
                CreatedAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
