using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Core.Security;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>Secrets in the metadata database and the cookie keys in the data directory are encrypted, and still work.</summary>
public sealed class DatabaseSecretsTests
{
    [Fact]
    public async Task AuthenticatorKeyAndRecoveryCodes_AreStoredEncrypted_AndStillWork()
    {
        await using var host = await OutpostHost.StartAsync();
        var account = await TestAccounts.InviteAsync(host, AccountRole.User, "Grace");
        string key;
        List<string> codes;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            var user = (await users.FindByIdAsync(account.Id))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 5))!.ToList();
        }

        var stored = await StoredTokensAsync(host.Paths, account.Id);

        Assert.Equal(2, stored.Count);
        Assert.All(stored, value => Assert.StartsWith("enc1:", value, StringComparison.Ordinal));
        Assert.All(stored, value => Assert.DoesNotContain(key, value, StringComparison.Ordinal));
        Assert.All(codes, code => Assert.DoesNotContain(code, string.Concat(stored), StringComparison.Ordinal));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            var user = (await users.FindByIdAsync(account.Id))!;
            Assert.Equal(key, await users.GetAuthenticatorKeyAsync(user));
            Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(user, codes[0])).Succeeded);
            Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(user, codes[0])).Succeeded);
            Assert.Equal(4, await users.CountRecoveryCodesAsync(user));
        }
    }

    [Fact]
    public async Task EncryptedToken_CopiedToAnotherAccount_DoesNotDecrypt()
    {
        await using var host = await OutpostHost.StartAsync();
        var grace = await TestAccounts.InviteAsync(host, AccountRole.User, "Grace");
        var mallory = await TestAccounts.InviteAsync(host, AccountRole.User, "Mallory");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            await users.ResetAuthenticatorKeyAsync((await users.FindByIdAsync(grace.Id))!);
            await users.ResetAuthenticatorKeyAsync((await users.FindByIdAsync(mallory.Id))!);
        }

        await ExecuteAsync(host.Paths,
            "UPDATE AspNetUserTokens SET Value = (SELECT Value FROM AspNetUserTokens WHERE UserId = $grace) WHERE UserId = $mallory",
            ("$grace", grace.Id), ("$mallory", mallory.Id));

        await using var check = host.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<Account>>();
        await Assert.ThrowsAsync<SealedBoxException>(async () => await manager.GetAuthenticatorKeyAsync((await manager.FindByIdAsync(mallory.Id))!));
    }

    [Fact]
    public async Task PlaintextTokenFromBeforeEncryption_IsEncryptedAtTheNextStart()
    {
        using var data = new TempDir("secrets");
        string accountId;
        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            accountId = (await TestAccounts.InviteAsync(host, AccountRole.User, "Grace")).Id;
        }

        var paths = new DataPaths(data.Path);
        await ExecuteAsync(paths, "INSERT INTO AspNetUserTokens (UserId, LoginProvider, Name, Value) VALUES ($id, '[AspNetUserStore]', 'AuthenticatorKey', 'PLAINTEXTKEY234567')", ("$id", accountId));

        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            await using var scope = host.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
            Assert.Equal("PLAINTEXTKEY234567", await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(accountId))!));
        }

        Assert.StartsWith("enc1:", Assert.Single(await StoredTokensAsync(paths, accountId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataProtectionKeys_AreEncryptedOnDisk_AndOpenAfterARestart()
    {
        using var data = new TempDir("secrets");
        string protectedValue;
        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            protectedValue = host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a cookie's content");
        }

        var keyFiles = Directory.GetFiles(Path.Combine(data.Path, "keys"), "*.xml");
        await using var again = await OutpostHost.StartAsync(data: data);

        Assert.NotEmpty(keyFiles);
        Assert.All(keyFiles, file =>
        {
            var xml = File.ReadAllText(file);
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
        Assert.Equal("a cookie's content", again.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedValue));
    }

    private static async Task<List<string>> StoredTokensAsync(DataPaths paths, string userId)
    {
        await using var connection = new SqliteConnection($"Data Source={paths.Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Value FROM AspNetUserTokens WHERE UserId = $id";
        command.Parameters.AddWithValue("$id", userId);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task ExecuteAsync(DataPaths paths, string sql, params (string Name, string Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={paths.Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
