using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Server.Hosting;

namespace Outpost.Server.Backups;

/// <summary>
/// At start, removes what restores cut short by a crash or a kill left behind: a grain directory still marked
/// <see cref="GrainRestores.MarkerName"/> whose grain has no row was never committed and is deleted (its encrypted
/// storage with it); one whose row exists was committed just before the crash and only loses its mark. Runs after
/// <see cref="Encryption.GrainStorage"/> has unmounted the views a crashed server left.
/// </summary>
internal sealed partial class InterruptedRestores(DataPaths paths, IServiceScopeFactory scopes, ILogger<InterruptedRestores> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(paths.Grains))
        {
            return;
        }

        var marked = Directory.EnumerateDirectories(paths.Grains)
            .Where(dir => File.Exists(Path.Combine(dir, GrainRestores.MarkerName)))
            .ToList();
        if (marked.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        foreach (var dir in marked)
        {
            var grainId = Path.GetFileName(dir);
            if (await db.Grains.AnyAsync(g => g.Id == grainId, cancellationToken))
            {
                File.Delete(Path.Combine(dir, GrainRestores.MarkerName));
                continue;
            }

            Directory.Delete(dir, recursive: true);
            LogRemoved(logger, grainId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed grain {GrainId}, whose restore from a backup was interrupted before it finished")]
    private static partial void LogRemoved(ILogger logger, string grainId);
}
