using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Accounts;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.ShellBench;

/// <summary>
/// A real Outpost server (Kestrel, Orleans, SQLite) in this process, in a fresh data directory, with the notes app
/// installed and two accounts: one owning <see cref="ShellBenchOptions.Grains"/> grains, one owning none (the baseline).
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string Password = "violet anchor meadow 93";

    private readonly WebApplication _app;
    private readonly string _dataDir;

    private BenchServer(WebApplication app, string dataDir, Uri baseUrl)
    {
        _app = app;
        _dataDir = dataDir;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Signs in with this email; owns the grains.</summary>
    public string BusyEmail => "busy@example.test";

    /// <summary>Signs in with this email; owns no grain.</summary>
    public string EmptyEmail => "empty@example.test";

    public static async Task<BenchServer> StartAsync(ShellBenchOptions options)
    {
        var dataDir = Directory.CreateTempSubdirectory("outpost-shellbench-").FullName;
        File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_001_001);
        var app = await OutpostServer.BuildAsync([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Outpost:DataDir"] = dataDir,
            ["Outpost:Listen"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var server = new BenchServer(app, dataDir, new Uri($"http://localhost:{port}/"));

        var appId = await server.InstallNotesAsync(options);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var busy = await CreateAccountAsync(users, "Busy Bee", server.BusyEmail);
        await CreateAccountAsync(users, "Empty Nest", server.EmptyEmail);
        await SeedGrainsAsync(scope.ServiceProvider.GetRequiredService<OutpostDbContext>(), busy.Id, appId, options.Grains);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<string> InstallNotesAsync(ShellBenchOptions options)
    {
        var package = Path.Combine(_dataDir, "notes.opk");
        var info = await PackageBuilder.PackAsync(Path.Combine(options.RepoRoot, "apps", "notes"), SigningKey.Generate(), package);
        var token = await AdminToken.EnsureAsync(new DataPaths(_dataDir), TimeProvider.System);
        using var api = new HttpClient { BaseAddress = BaseUrl };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var content = new StreamContent(File.OpenRead(package));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await api.PostAsync("api/apps", content);
        response.EnsureSuccessStatusCode();
        return info.AppId;
    }

    private static async Task<Account> CreateAccountAsync(UserManager<Account> users, string name, string email)
    {
        var account = new Account { Name = name, Email = email, UserName = email, Role = AccountRole.User, CreatedAt = DateTimeOffset.UtcNow };
        var result = await users.CreateAsync(account, Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        return account;
    }

    /// <summary>Grain rows only: the list page reads the database, never the grains' folders or sandboxes.</summary>
    private static async Task SeedGrainsAsync(OutpostDbContext db, string ownerId, string appId, int count)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-count);
        for (var i = 1; i <= count; i++)
        {
            db.Grains.Add(new GrainRecord
            {
                Id = SecretToken.New(),
                Number = i,
                AppId = appId,
                ActionId = "new",
                Title = $"Notebook {i:D4}",
                OwnerId = ownerId,
                CreatedAt = start.AddDays(i),
                LastOpenedAt = i % 3 == 0 ? start.AddDays(i).AddHours(5) : null,
            });
        }

        await db.SaveChangesAsync();
    }
}
