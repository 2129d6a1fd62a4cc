using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Transfer;
using Outpost.Packaging;
using Outpost.Server.Backups;
using Outpost.Server.Hosting;

namespace Outpost.Server.Transfer;

/// <summary>
/// The receiving side: runs pulls in the background, one grain after another, and keeps their progress for the
/// caller to poll. A grain that fails leaves nothing here (the restore removes what it began) and the others go on;
/// grains that arrived earlier with the same offer are skipped, so running the pull again retries only the failures.
/// </summary>
internal sealed partial class TransferPulls(
    IServiceScopeFactory scopes,
    DataPaths paths,
    IOptions<TransferOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<TransferPulls> logger)
{
    // Each pull copies grains one after another; a few at once per person is plenty and bounds what one account costs.
    private const int MaxRunningPerAccount = 3;

    // Finished pulls stay readable this long, for a client that polls late.
    private static readonly TimeSpan KeepFinished = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, TransferPull> _pulls = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();

    /// <summary>
    /// Checks the address and token, then starts pulling in the background for <paramref name="accountId"/>; returns
    /// the pull (the one already running, when the caller is pulling the same offer).
    /// </summary>
    public PullStatus Start(PullRequest request, string accountId, bool isAdmin)
    {
        var server = TransferAddress.Check(request.Url, mayUseLoopback: isAdmin);
        var token = request.Token.Trim();
        if (!TransferToken.IsWellFormed(token))
        {
            throw new TransferException("this is not a transfer token (64 lowercase hex characters); copy the whole token 'outpost transfer offer' printed");
        }

        var trusted = TransferTrust.Load(options.Value);
        var offerKey = TransferToken.OfferKeyOf(token);
        TransferPull pull;
        // Checked and registered as one step, so two requests at once cannot both start the same offer.
        lock (_starting)
        {
            Prune();
            if (_pulls.Values.FirstOrDefault(p => p.AccountId == accountId && p.OfferKey == offerKey && p.IsRunning) is { } running)
            {
                return running.Snapshot();
            }

            if (_pulls.Values.Count(p => p.AccountId == accountId && p.IsRunning) >= MaxRunningPerAccount)
            {
                throw new TransferException($"you have {MaxRunningPerAccount} pulls running already; wait until one has ended");
            }

            pull = new TransferPull(SecretToken.New(), accountId, offerKey, time.GetUtcNow());
            _pulls[pull.Id] = pull;
        }

        _ = Task.Run(() => RunAsync(pull, server, token, request.RemoveSource, trusted, lifetime.ApplicationStopping));
        return pull.Snapshot();
    }

    /// <summary>The caller's pull <paramref name="id"/>, or null.</summary>
    public PullStatus? Find(string id, string accountId) =>
        _pulls.TryGetValue(id, out var pull) && pull.AccountId == accountId ? pull.Snapshot() : null;

    private async Task RunAsync(TransferPull pull, Uri server, string token, bool removeSource, X509Certificate2Collection? trusted, CancellationToken ct)
    {
        try
        {
            using var client = new TransferClient(server, token, options.Value, trusted);
            var offered = await client.ListAsync(ct);
            // The other server's words, shown to the person: of a readable length.
            pull.SetGrains(offered.Grains.Select(g => new PullGrainStatus
            {
                SourceId = g.Id,
                Title = g.Title.Length <= 200 ? g.Title : g.Title[..200],
                State = "waiting",
                BytesDone = 0,
                BytesTotal = Math.Max(0, g.StorageBytes),
            }));
            var arrived = new List<string>();
            for (var i = 0; i < offered.Grains.Count; i++)
            {
                if (await PullGrainAsync(pull, i, offered.Grains[i], client, token, ct))
                {
                    arrived.Add(offered.Grains[i].Id);
                }
            }

            var failed = offered.Grains.Count - arrived.Count;
            if (failed > 0)
            {
                pull.Finish("failed", $"{failed} of {offered.Grains.Count} grains did not arrive (see each); run the same pull again to retry them — grains that arrived are skipped.");
                return;
            }

            var result = await client.CompleteAsync(arrived, removeSource, ct);
            pull.Finish("done", $"{arrived.Count} grains are here; the offering server {(result.Completed ? "marked the offer completed" : "still has grains in the offer")}"
                + (removeSource ? $" and moved {result.Trashed} originals to the trash there." : "."));
        }
        catch (TransferException e)
        {
            pull.Finish("failed", e.Message);
        }
        catch (OperationCanceledException)
        {
            pull.Finish("failed", "this server is stopping; the pull was cut short. Run it again once the server is back.");
        }
        catch (Exception e)
        {
            LogPullFailed(logger, pull.Id, e);
            pull.Finish("failed", "the pull failed because of an error in this server; see its log.");
        }
    }

    private async Task<bool> PullGrainAsync(TransferPull pull, int index, OfferedGrain grain, TransferClient client, string token, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var before = await db.TransferImports.AsNoTracking()
            .Where(i => i.OfferKey == pull.OfferKey && i.SourceGrainId == grain.Id && i.AccountId == pull.AccountId)
            .Select(i => i.GrainId).ToListAsync(ct);
        if (before.Count > 0 && await db.Grains.AnyAsync(g => before.Contains(g.Id), ct))
        {
            pull.Update(index, g => g with { State = "skipped", GrainId = before[^1] });
            return true;
        }

        var path = paths.NewTempPath("transfer");
        try
        {
            pull.Update(index, g => g with { State = "downloading" });
            await client.DownloadAsync(grain.Id, path, (done, total) => pull.Update(index, g => g with { BytesDone = done, BytesTotal = total }), ct);
            pull.Update(index, g => g with { State = "restoring" });
            using var key = TransferToken.BackupKeyOf(token);
            // A missing app is installed from a subscribed catalog by the restore itself, as for an uploaded backup.
            var restored = await scope.ServiceProvider.GetRequiredService<GrainRestores>().RestoreAsync(path, key, pull.AccountId, ct);
            db.TransferImports.Add(new TransferImport
            {
                OfferKey = pull.OfferKey,
                SourceGrainId = grain.Id,
                GrainId = restored.Grain.Id,
                AccountId = pull.AccountId,
                At = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(CancellationToken.None);
            pull.Update(index, g => g with { State = "done", GrainId = restored.Grain.Id });
            LogPulled(logger, grain.Id, restored.Grain.Id, pull.Id);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = e switch
            {
                TransferException or BackupNeedsAppException => e.Message,
                BackupException => $"the backup did not check out: {e.Message}",
                _ => "an error in this server stopped it; see the server's log",
            };
            if (e is not (TransferException or BackupException or BackupNeedsAppException))
            {
                LogGrainFailed(logger, grain.Id, pull.Id, e);
            }

            pull.Update(index, g => g with { State = "failed", Error = reason });
            return false;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private void Prune()
    {
        var cutoff = time.GetUtcNow() - KeepFinished;
        foreach (var (id, pull) in _pulls)
        {
            if (!pull.IsRunning && pull.StartedAt < cutoff)
            {
                _pulls.TryRemove(id, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {SourceGrainId} arrived from another server as grain {GrainId} (pull {PullId})")]
    private static partial void LogPulled(ILogger logger, string sourceGrainId, string grainId, string pullId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain {SourceGrainId} of transfer pull {PullId} failed")]
    private static partial void LogGrainFailed(ILogger logger, string sourceGrainId, string pullId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transfer pull {PullId} failed")]
    private static partial void LogPullFailed(ILogger logger, string pullId, Exception exception);
}
