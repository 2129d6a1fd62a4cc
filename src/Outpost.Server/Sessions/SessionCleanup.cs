using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Data;
using Outpost.Server.Hosting;

namespace Outpost.Server.Sessions;

/// <summary>
/// Deletes sessions that can no longer be used: ended ones, and links whose one-time ticket expired unused (every
/// visit to a grain page opens a new session, so they would otherwise pile up).
/// </summary>
internal sealed partial class SessionCleanup(IServiceScopeFactory scopes, SessionCache cache, IOptions<OutpostOptions> options, TimeProvider time, ILogger<SessionCleanup> logger)
    : PeriodicService(TimeSpan.FromHours(1), time, logger)
{
    /// <summary>Deletes what has ended by now; returns how many sessions were removed.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        var endedBefore = now - options.Value.SessionLifetime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();

        // SQLite cannot compare DateTimeOffset columns in SQL, so the candidates are filtered here; the table only
        // ever holds recent sessions because this runs every hour.
        var sessions = await db.Sessions.AsNoTracking().Select(s => new { s.Id, s.CreatedAt, s.TicketUsedAt, s.TicketExpiresAt }).ToListAsync(ct);
        var ended = sessions.Where(s => s.CreatedAt < endedBefore || (s.TicketUsedAt == null && s.TicketExpiresAt < now)).Select(s => s.Id).ToList();
        foreach (var chunk in ended.Chunk(500))
        {
            await db.Sessions.Where(s => chunk.Contains(s.Id)).ExecuteDeleteAsync(ct);
        }

        foreach (var id in ended)
        {
            cache.Forget(id);
        }

        if (ended.Count > 0)
        {
            LogRemoved(Logger, ended.Count);
        }

        return ended.Count;
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} ended sessions")]
    private static partial void LogRemoved(ILogger logger, int count);
}
