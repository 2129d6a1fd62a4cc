using Microsoft.Extensions.Options;

namespace Outpost.Server.Catalogs;

/// <summary>Adds the default catalog at start, then checks all catalogs every <see cref="CatalogOptions.CheckInterval"/>.</summary>
internal sealed partial class CatalogSchedule(IServiceScopeFactory scopes, IOptions<CatalogOptions> options, TimeProvider time, ILogger<CatalogSchedule> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CatalogService>().AddDefaultAsync(settings.DefaultUrl, settings.DefaultKey, stoppingToken);
        }

        if (settings.CheckInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var report = await scope.ServiceProvider.GetRequiredService<CatalogService>().CheckAsync(stoppingToken);
                LogChecked(logger, report.Lines.Count(l => l.Outcome == "updated"), report.Lines.Count(l => l.Outcome == "refused"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed round (database busy, disk full) must not end the schedule.
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog check: {Updated} app(s) updated, {Refused} refusal(s)")]
    private static partial void LogChecked(ILogger logger, int updated, int refused);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog check failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
