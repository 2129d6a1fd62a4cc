using Microsoft.EntityFrameworkCore;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Accounts;
using Outpost.Server.Hosting;

namespace Outpost.Server.Auth;

/// <summary>
/// The admin API token for scripting. The server stores only its hash; the token itself is kept in an owner-only
/// file in the data directory so <c>outpost admin-token</c> can print it again without minting a new one.
/// </summary>
public static class AdminToken
{
    /// <summary>Returns the current admin token, creating (and recording the hash of) a new one when absent or revoked.</summary>
    public static async Task<string> EnsureAsync(DataPaths paths, TimeProvider time, CancellationToken cancellationToken = default)
    {
        DataDirectory.Prepare(paths, cleanTemp: false);
        await using var db = new OutpostDbContext(Database.Options(paths));
        await Database.MigrateAsync(db, paths, time, cancellationToken);

        if (File.Exists(paths.AdminTokenFile))
        {
            var existing = (await File.ReadAllTextAsync(paths.AdminTokenFile, cancellationToken)).Trim();
            var hash = SecretToken.Hash(existing);
            if (await db.ApiTokens.AnyAsync(t => t.TokenHash == hash && t.RevokedAt == null, cancellationToken))
            {
                return existing;
            }
        }

        var token = SecretToken.NewLong();
        db.ApiTokens.Add(new ApiToken
        {
            Id = SecretToken.New(),
            AccountId = Account.AdminId,
            TokenHash = SecretToken.Hash(token),
            Name = "admin-token",
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);

        var temp = paths.AdminTokenFile + ".new";
        await using (var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(token + "\n"), cancellationToken);
        }

        File.Move(temp, paths.AdminTokenFile, overwrite: true);
        return token;
    }
}
