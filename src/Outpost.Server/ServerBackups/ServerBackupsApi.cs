namespace Outpost.Server.ServerBackups;

/// <summary>Admin API of whole-server backups: <c>GET /api/server/backups</c> (settings, status, snapshots) and <c>POST</c> (back up now).</summary>
internal static class ServerBackupsApi
{
    public static RouteGroupBuilder MapServerBackupsApi(this RouteGroupBuilder api)
    {
        var backups = api.MapGroup("/server/backups").RequireAuthorization("admin");
        backups.MapGet("/", Report);
        backups.MapPost("/", async (ServerBackups runner, ServerBackupSettings settings, CancellationToken ct) =>
        {
            if ((await settings.CurrentAsync(ct)).Directory is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"No backup directory is configured: choose one on Admin → Backups, or set {ServerBackupOptions.Section}:Directory (OUTPOST__BACKUPS__DIRECTORY) and restart the server.");
            }

            // The run goes on in the background; its outcome is in the status (GET), which the command line polls.
            _ = runner.StartAsync().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return Results.Accepted("/api/server/backups", runner.Status with { Running = true });
        });
        return api;
    }

    private static async Task<ServerBackupReport> Report(ServerBackups runner, ServerBackupSettings current, CancellationToken ct)
    {
        var settings = await current.CurrentAsync(ct);
        List<SnapshotSummary> snapshots = [];
        string? error = null;
        try
        {
            snapshots = runner.List(settings.Directory);
        }
        catch (Exception e) when (e is Packaging.BackupException or IOException or UnauthorizedAccessException)
        {
            error = e.Message;
        }

        return new ServerBackupReport
        {
            Directory = settings.Directory,
            Schedule = settings.Schedule,
            KeepDaily = settings.KeepDaily,
            KeepWeekly = settings.KeepWeekly,
            KeepLast = settings.KeepLast,
            Status = runner.Status,
            Snapshots = snapshots,
            ListError = error,
        };
    }
}

/// <summary>Registers scheduled server backups.</summary>
internal static class ServerBackupsSetup
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<ServerBackupOptions>().BindConfiguration(ServerBackupOptions.Section);
        services.AddScoped<ServerBackupSettings>();
        services.AddSingleton<ServerBackups>();
        services.AddHostedService<ServerBackupSchedule>();
    }
}
