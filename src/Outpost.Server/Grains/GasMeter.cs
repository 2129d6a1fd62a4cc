using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;

namespace Outpost.Server.Grains;

/// <summary>
/// Adds up the gas (WebAssembly fuel) each grain uses and writes the totals to the database every few seconds, so
/// the hot path never waits for a write. Quotas and hosting costs are computed from these totals.
/// </summary>
internal sealed partial class GasMeter(IServiceScopeFactory scopes, TimeProvider time, ILogger<GasMeter> logger) : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public void Add(string grainId, long fuel)
    {
        if (fuel > 0)
        {
            _pending.AddOrUpdate(grainId, fuel, (_, total) => total + fuel);
        }
    }

    /// <summary>Writes what has accumulated; also called on shutdown so nothing is lost.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        foreach (var grainId in _pending.Keys)
        {
            if (_pending.TryRemove(grainId, out var fuel))
            {
                await db.Grains.Where(g => g.Id == grainId).ExecuteUpdateAsync(u => u.SetProperty(g => g.FuelUsed, g => g.FuelUsed + fuel), ct);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushSafelyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the final flush below still runs.
        }

        await FlushSafelyAsync(CancellationToken.None);
    }

    private async Task FlushSafelyAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogFlushFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record gas use: {Reason}; will retry")]
    private static partial void LogFlushFailed(ILogger logger, string reason);
}
