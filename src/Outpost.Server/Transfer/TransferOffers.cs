using Microsoft.EntityFrameworkCore;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Grains;
using Outpost.Data.Transfer;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Transfer;

/// <summary>
/// The offering side: makes, lists and cancels offers, and answers what a token may reach. An offer only ever covers
/// grains its owner still owns and has not put in the trash, whatever it listed when it was made.
/// </summary>
internal sealed partial class TransferOffers(OutpostDbContext db, GrainManager grains, DataPaths paths, TimeProvider time, ILogger<TransferOffers> logger)
{
    /// <summary>Longest an offer may last.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>How long an offer lasts when nothing is said.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    /// <summary>Makes an offer of <paramref name="request"/>'s grains (all must be the caller's); returns it and its token.</summary>
    public async Task<(OfferSummary Offer, string Token)> CreateAsync(string ownerId, CreateOfferRequest request, CancellationToken ct)
    {
        var lifetime = request.ExpiresIn ?? DefaultLifetime;
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > MaxLifetime)
        {
            throw new TransferException($"an offer lasts between 1 minute and {MaxLifetime.TotalDays:0} days");
        }

        var ids = request.GrainIds is { Count: > 0 } list ? list.Distinct(StringComparer.Ordinal).ToList() : null;
        foreach (var id in ids ?? [])
        {
            if (await grains.FindOwnedAsync(id, ownerId, isAdmin: false, ct) is not { TrashedAt: null })
            {
                throw new TransferException($"there is no grain {id} of yours (outside the trash); see 'outpost grain list'");
            }
        }

        var token = TransferToken.New();
        var now = time.GetUtcNow();
        var offer = new TransferOffer
        {
            Id = SecretToken.New()[..16],
            OwnerId = ownerId,
            TokenHash = SecretToken.Hash(token),
            GrainIds = ids is null ? null : string.Join(' ', ids),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.TransferOffers.Add(offer);
        await db.SaveChangesAsync(ct);
        LogOffered(logger, offer.Id, ownerId, ids?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
        return (Summary(offer), token);
    }

    /// <summary>The caller's offers, newest first.</summary>
    public async Task<List<OfferSummary>> ListAsync(string ownerId, CancellationToken ct) =>
        (await db.TransferOffers.AsNoTracking().Where(o => o.OwnerId == ownerId).ToListAsync(ct))
            .OrderByDescending(o => o.CreatedAt).Select(Summary).ToList();

    /// <summary>Cancels one of the caller's offers; false when there is none with that id.</summary>
    public async Task<bool> CancelAsync(string ownerId, string offerId, CancellationToken ct)
    {
        var offer = await db.TransferOffers.FirstOrDefaultAsync(o => o.Id == offerId && o.OwnerId == ownerId, ct);
        if (offer is null)
        {
            return false;
        }

        offer.CancelledAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The offer a token belongs to, or why the token does not work (unknown, cancelled, expired).</summary>
    public async Task<(TransferOffer? Offer, string? Refusal)> FindAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || !TransferToken.IsWellFormed(token))
        {
            return (null, "This is not a transfer token. Copy the whole token 'outpost transfer offer' printed.");
        }

        var hash = SecretToken.Hash(token);
        var offer = await db.TransferOffers.FirstOrDefaultAsync(o => o.TokenHash == hash, ct);
        return offer switch
        {
            null => (null, "No transfer offer has this token. Make a new offer on this server with 'outpost transfer offer'."),
            { CancelledAt: not null } => (null, "This transfer offer was cancelled by its owner. Ask them for a new one."),
            _ when offer.ExpiresAt <= time.GetUtcNow() => (null, $"This transfer offer expired at {offer.ExpiresAt:u}. Ask its owner for a new one."),
            // A disabled account's grains stay where they are, whatever tokens it handed out before.
            _ when !await db.Accounts.AnyAsync(a => a.Id == offer.OwnerId && !a.Disabled, ct) => (null, "The account that made this transfer offer is disabled on this server."),
            _ => (offer, null),
        };
    }

    /// <summary>The grains <paramref name="offer"/> covers now: its owner's, outside the trash, and listed in it (if it lists any).</summary>
    public async Task<List<GrainRecord>> GrainsOfAsync(TransferOffer offer, CancellationToken ct)
    {
        var owned = await db.Grains.Where(g => g.OwnerId == offer.OwnerId && g.TrashedAt == null).ToListAsync(ct);
        var listed = ListedIds(offer);
        return owned.Where(g => listed is null || listed.Contains(g.Id)).OrderBy(g => g.Number).ToList();
    }

    /// <summary>What the other server sees of the offer's grains.</summary>
    public async Task<OfferedGrains> DescribeAsync(TransferOffer offer, CancellationToken ct)
    {
        var offered = await GrainsOfAsync(offer, ct);
        var appIds = offered.Select(g => g.AppId).Distinct().ToList();
        var apps = await db.Apps.AsNoTracking().Where(a => appIds.Contains(a.AppId)).ToDictionaryAsync(a => a.AppId, a => a.Title, ct);
        var versions = await db.AppVersions.AsNoTracking().Where(v => appIds.Contains(v.AppId)).Select(v => new { v.AppId, v.Version, v.MarketingVersion }).ToListAsync(ct);
        return new OfferedGrains
        {
            OfferId = offer.Id,
            Grains = offered.Select(g => new OfferedGrain
            {
                Id = g.Id,
                Title = g.Title,
                AppId = g.AppId,
                AppTitle = apps.GetValueOrDefault(g.AppId),
                AppVersion = g.AppVersion,
                AppMarketingVersion = versions.FirstOrDefault(v => v.AppId == g.AppId && v.Version == g.AppVersion)?.MarketingVersion,
                StorageBytes = SizeOnDisk(paths.GrainEncryptedStorage(g.Id)),
            }).ToList(),
        };
    }

    /// <summary>Counts a finished export of <paramref name="grain"/>.</summary>
    public async Task RecordExportAsync(TransferOffer offer, GrainRecord grain)
    {
        offer.ExportCount++;
        if (!offer.ExportedGrainIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(grain.Id))
        {
            offer.ExportedGrainIds = (offer.ExportedGrainIds + " " + grain.Id).Trim();
        }

        // Not cancellable: the backup has been made and logged, so its count must be saved with it.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// The other server holds <paramref name="request"/>'s grains: completes the offer when that is all of them, and
    /// with <see cref="CompleteRequest.RemoveSource"/> moves those exported with this offer to their owner's trash.
    /// </summary>
    public async Task<CompleteResult> CompleteAsync(TransferOffer offer, CompleteRequest request, CancellationToken ct)
    {
        var arrived = request.GrainIds.ToHashSet(StringComparer.Ordinal);
        var exported = offer.ExportedGrainIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var offered = await GrainsOfAsync(offer, ct);
        var trashed = 0;
        if (request.RemoveSource)
        {
            // Only grains this offer really exported: the other server cannot trash what it never copied.
            foreach (var grain in offered.Where(g => arrived.Contains(g.Id) && exported.Contains(g.Id)))
            {
                await grains.SetTrashedAsync(grain, trashed: true, ct);
                trashed++;
            }
        }

        var complete = offered.All(g => arrived.Contains(g.Id));
        if (complete)
        {
            offer.CompletedAt ??= time.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        LogCompleted(logger, offer.Id, arrived.Count, trashed);
        return new CompleteResult { Completed = complete, Trashed = trashed };
    }

    private static HashSet<string>? ListedIds(TransferOffer offer) =>
        offer.GrainIds?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private OfferSummary Summary(TransferOffer offer) => new()
    {
        Id = offer.Id,
        GrainIds = ListedIds(offer)?.ToList(),
        CreatedAt = offer.CreatedAt,
        ExpiresAt = offer.ExpiresAt,
        CancelledAt = offer.CancelledAt,
        CompletedAt = offer.CompletedAt,
        ExportCount = offer.ExportCount,
        State = offer.CancelledAt is not null ? "cancelled"
            : offer.CompletedAt is not null ? "completed"
            : offer.ExpiresAt <= time.GetUtcNow() ? "expired"
            : "active",
    };

    private static long SizeOnDisk(string dir) =>
        Directory.Exists(dir)
            ? new DirectoryInfo(dir).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Sum(f => f.Length)
            : 0;

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer offer {OfferId} made by account {AccountId} for {Grains} grains")]
    private static partial void LogOffered(ILogger logger, string offerId, string accountId, string grains);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer offer {OfferId}: the receiving server holds {Grains} grains; {Trashed} originals moved to the trash")]
    private static partial void LogCompleted(ILogger logger, string offerId, int grains, int trashed);
}
