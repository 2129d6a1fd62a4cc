using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Server.Hosting;
using Outpost.Server.Settings;

namespace Outpost.Server.AccessLog;

/// <summary>
/// Deletes access log entries older than the retention period an admin sets (365 days unless changed), once a
/// day. The database itself refuses to delete entries younger than a day, whatever the setting.
/// </summary>
internal sealed partial class AccessLogRetention(IServiceScopeFactory scopes, TimeProvider time, ILogger<AccessLogRetention> logger)
    : PeriodicService(TimeSpan.FromDays(1), time, logger)
{
    /// <summary>Deletes what is past retention now; returns how many entries were removed.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var settings = scope.ServiceProvider.GetRequiredService<SettingsStore>();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var days = Math.Max(AccessLogEntry.MinimumRetentionDays, await settings.GetAccessLogRetentionDaysAsync(ct));
        var cutoff = Time.GetUtcNow() - TimeSpan.FromDays(days);
        var removed = await db.AccessLog.Where(e => e.At < cutoff).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            LogRemoved(Logger, removed, days);
        }

        return removed;
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Access log: removed {Count} entries older than {Days} days")]
    private static partial void LogRemoved(ILogger logger, int count, int days);
}
