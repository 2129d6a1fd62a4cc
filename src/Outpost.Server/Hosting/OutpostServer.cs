using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Outpost.Cluster.Grains;
using Outpost.Data;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Sandboxing.Storage;
using Outpost.Server.AccessLog;
using Outpost.Server.Accounts;
using Outpost.Server.Apps;
using Outpost.Server.Auth;
using Outpost.Server.Backups;
using Outpost.Server.Catalogs;
using Outpost.Server.Encryption;
using Outpost.Server.Grains;
using Outpost.Server.Sessions;
using Outpost.Server.ServerBackups;
using Outpost.Server.Settings;
using Outpost.Server.Sharing;
using Outpost.Server.Shell;
using Outpost.Server.Transfer;

namespace Outpost.Server.Hosting;

/// <summary>Builds the Outpost node: web shell and API, session-host router, and an Orleans silo, in one process.</summary>
public static class OutpostServer
{
    /// <summary>Creates a ready-to-run server. <paramref name="configure"/> lets callers (tests, the CLI) add configuration.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No config reload: its file watcher on the content root would wake on every file written there.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
        configure?.Invoke(builder);

        var configured = builder.Configuration.GetSection(OutpostOptions.Section).Get<OutpostOptions>() ?? new OutpostOptions();

        // The database comes first: settings changed from the admin page override the configuration.
        var paths = new DataPaths(configured.DataDir);
        DataDirectory.Prepare(paths, cleanTemp: true);
        var serverLock = ServerLock.Acquire(paths, "Stop it before starting this server.");
        KeyRing keys;
        LoadedMasterKey master;
        try
        {
            await using var db = new OutpostDbContext(Database.Options(paths));
            await Database.MigrateAsync(db, paths, TimeProvider.System);
            // Before anything is written with it: a wrong key stops the start here, with nothing changed.
            master = await MasterKeyStore.LoadOrCreateAsync(db, paths, MasterKeyInputs.Current(name => builder.Configuration[name]), TimeProvider.System);
            keys = await KeyRing.OpenAsync(db, master.Key);
            await new DatabaseSecrets(keys).ProtectExistingAsync(db);
            builder.Configuration.AddInMemoryCollection(await SettingsStore.LoadOverridesAsync(db));
        }
        catch
        {
            serverLock.Dispose();
            throw;
        }

        var outpost = builder.Configuration.GetSection(OutpostOptions.Section).Get<OutpostOptions>() ?? new OutpostOptions();
        builder.Services.AddOptions<OutpostOptions>().BindConfiguration(OutpostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SandboxSettings>().BindConfiguration($"{OutpostOptions.Section}:Sandbox");
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        builder.Services.AddOptions<GrainLifecycleOptions>().BindConfiguration($"{OutpostOptions.Section}:Grains");
        builder.WebHost.UseUrls(outpost.Listen);
        // Operators need grain and sandbox events, not a line per HTTP request or Orleans' tuning notes.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error).AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error)
            .AddFilter("Yarp", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);

        builder.Services.AddSingleton(paths);
        // From a factory, so that disposing the app releases the lock (the container disposes only what it created).
        builder.Services.AddSingleton(_ => serverLock);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(new MasterKeyInfo(master.Key.Id, master.Source, master.Created));
        builder.Services.AddSingleton<DatabaseSecrets>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new PackageLimits());
        builder.Services.AddDbContext<OutpostDbContext>(o => OutpostDbContext.UseOutpostSqlite(o, Database.ConnectionString(paths)));
        builder.Services.AddProblemDetails();

        // Keys for cookies and antiforgery live with the rest of the server's state, not in the user's home.
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(paths.Root, "keys"))).SetApplicationName("outpost");
        builder.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new MasterKeyXmlEncryptor(keys));

        AddSandboxes(builder.Services);
        AddCluster(builder, outpost);
        builder.Services.AddOutpostIdentity();
        builder.Services.AddOutpostRateLimits();
        builder.Services.AddAntiforgery();
        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<SetupLink>();
        builder.Services.AddScoped<AccountManager>();
        builder.Services.AddScoped<SettingsStore>();
        builder.Services.AddScoped<AppInstaller>();
        builder.Services.AddScoped<GrainManager>();
        AddCatalogs(builder.Services);
        builder.Services.AddTransfer();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AccessLogWriter>();
        builder.Services.AddSingleton<AccessLogRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AccessLogRetention>());
        builder.Services.AddSingleton<SessionCache>();
        builder.Services.AddSingleton<Sharing.GrainAccess>();
        builder.Services.AddScoped<ShareService>();
        builder.Services.AddSingleton<OpenRequests>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OpenRequests>());
        builder.Services.AddSingleton<SessionCleanup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionCleanup>());
        builder.Services.AddSingleton<GrainEndpoints>();
        builder.Services.AddSingleton<GrainForwarder>();
        builder.Services.AddWasmGrains(paths);
        builder.Services.AddHttpForwarder();

        var app = builder.Build();
        _ = app.Services.GetRequiredService<ServerLock>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            app.Services.GetRequiredService<SetupLink>().Token =
                await scope.ServiceProvider.GetRequiredService<InvitationService>().CreateSetupTokenIfNeededAsync(CancellationToken.None);
        }

        // Session hosts first: they never reach the shell's pages, cookies or API.
        app.UseMiddleware<SessionHostMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseShellStatusPages();
        app.UseShellSecurityHeaders();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<ApiCsrfMiddleware>();
        app.UseAntiforgery();
        app.UseShellAssets();
        app.UseCatalogPublishing();
        app.MapHealth();
        app.MapAppIcons();
        app.MapAccountEndpoints();
        app.MapGroup("/api").MapAppsApi().MapGrainsApi().MapBackupsApi().MapSharesApi().MapAccessLogApi().MapUsersApi().MapSettingsApi().MapCatalogsApi().MapTransfer().MapServerBackupsApi();
        app.MapBackupDownloadForm();
        app.MapRazorComponents<Components.App>();
        return app;
    }

    private static void AddCatalogs(IServiceCollection services)
    {
        services.AddSingleton(new Packaging.Catalogs.CatalogLimits());
        services.AddSingleton<CatalogDownloader>();
        services.AddScoped<CatalogService>();
        services.AddScoped<Updates.UnusedVersions>();
        services.AddHostedService<CatalogSchedule>();
    }

    private static void AddSandboxes(IServiceCollection services)
    {
        services.AddSingleton<RunningGrains>();
        services.AddSingleton<Updates.GrainMoves>();
        services.AddSingleton<IGrainLauncher, GrainLauncher>();
        services.AddSingleton(new EncryptedVolumes(new EncryptedVolumeOptions()));
        // Registered before the Orleans silo, so it stops after it: views are unmounted once the sandboxes are gone.
        services.AddSingleton<GrainStorage>();
        services.AddHostedService(sp => sp.GetRequiredService<GrainStorage>());
        // After GrainStorage, whose start unmounts views a crash left, so an interrupted restore's volume can go.
        services.AddHostedService<Backups.InterruptedRestores>();
        services.AddScoped<Backups.GrainHolds>();
        services.AddScoped<Backups.GrainBackups>();
        ServerBackups.ServerBackupsSetup.Add(services);
        services.AddScoped<Backups.GrainRestores>();
        services.AddSingleton<ISandboxDriver>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SandboxSettings>>().Value;
            return new NativeSandboxDriver(new NativeSandboxOptions { BwrapPath = settings.BwrapPath }, sp.GetRequiredService<ILogger<NativeSandboxDriver>>());
        });
    }

    private static void AddCluster(WebApplicationBuilder builder, OutpostOptions outpost)
    {
        var lifecycle = builder.Configuration.GetSection($"{OutpostOptions.Section}:Grains").Get<GrainLifecycleOptions>() ?? new GrainLifecycleOptions();
        builder.UseOrleans(silo =>
        {
            // One node, localhost clustering. Ports are picked free so several servers (and tests) can share a machine.
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "outpost", clusterId: "outpost-" + Path.GetFileName(outpost.DataDir));
            silo.Configure<GrainCollectionOptions>(o =>
            {
                // Our own idle timer stops sandboxes; Orleans only collects what is left afterwards.
                o.CollectionAge = lifecycle.IdleTimeout + TimeSpan.FromMinutes(2);
            });
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
