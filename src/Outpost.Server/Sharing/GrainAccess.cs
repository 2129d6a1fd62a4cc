using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Data.Grains;
using Outpost.Data.Sharing;
using Outpost.Packaging;

namespace Outpost.Server.Sharing;

/// <summary>A grain with everything the evaluator needs: its shares (revoked ones included) and its app's roles.</summary>
internal sealed record GrainSharing(GrainRecord Grain, AppRoles Roles, IReadOnlyList<ShareRecord> Records, IReadOnlyList<Share> Shares)
{
    private SharingSnapshot? _snapshot;

    /// <summary>What <paramref name="who"/> holds on the grain at <paramref name="now"/>.</summary>
    /// <remarks>
    /// The graph is built once and reused for every visitor asking within <see cref="GrainAccess.MaxAge"/> of it, so
    /// a grain shared with thousands pays the build once a second, not once per visitor.
    /// </remarks>
    public AccessResult Evaluate(IReadOnlyCollection<Principal> who, DateTimeOffset now)
    {
        var snapshot = _snapshot;
        if (snapshot is null || now < snapshot.At || now - snapshot.At > GrainAccess.MaxAge)
        {
            _snapshot = snapshot = SharingSnapshot.Build(Grain.OwnerId, Shares, Roles, now);
        }

        return snapshot.Evaluate(who);
    }
}

/// <summary>
/// Answers "what may this principal do with this grain now" on the request path. Results are kept at most
/// <see cref="MaxAge"/> and dropped at once for a grain whose shares change, so a revocation takes effect on the
/// next request here; the age bound covers expiry, which no event announces, and changes made on other nodes.
/// </summary>
internal sealed class GrainAccess(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long an evaluation is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Cached> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedSharing> _grains = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string AppId, int Version), AppRoles> _roles = new();
    private long _generation;

    /// <summary>Access of the visitor who is all of <paramref name="who"/>; <see cref="AccessResult.None"/> for a missing grain.</summary>
    public async ValueTask<AccessResult> GetAsync(string grainId, IReadOnlyCollection<Principal> who, CancellationToken ct)
    {
        var key = grainId + "|" + string.Join('|', who);
        if (_results.TryGetValue(key, out var cached) && time.GetElapsedTime(cached.At) < MaxAge)
        {
            return cached.Result;
        }

        // A change that lands while this evaluation reads the database must not be hidden behind its stale result.
        var generation = Interlocked.Read(ref _generation);
        var at = time.GetTimestamp();
        // The grain's shares are loaded once for all its visitors (a busy grain has many), within the same age bound.
        GrainSharing? sharing;
        if (_grains.TryGetValue(grainId, out var loaded) && time.GetElapsedTime(loaded.At) < MaxAge)
        {
            sharing = loaded.Sharing;
        }
        else
        {
            await using var scope = scopes.CreateAsyncScope();
            sharing = await LoadAsync(scope.ServiceProvider.GetRequiredService<OutpostDbContext>(), grainId, ct);
            if (Interlocked.Read(ref _generation) == generation)
            {
                _grains[grainId] = new CachedSharing(sharing, at);
            }
        }

        var result = sharing?.Evaluate(who, time.GetUtcNow()) ?? AccessResult.None;
        if (Interlocked.Read(ref _generation) == generation)
        {
            PruneIfLarge();
            _results[key] = new Cached(result, at);
        }

        return result;
    }

    /// <summary>Loads a grain's shares and roles, or null when the grain does not exist.</summary>
    public async Task<GrainSharing?> LoadAsync(OutpostDbContext db, string grainId, CancellationToken ct)
    {
        var grain = await db.Grains.AsNoTracking().FirstOrDefaultAsync(g => g.Id == grainId, ct);
        if (grain is null)
        {
            return null;
        }

        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == grain.AppId, ct);
        if (app is null)
        {
            return null;
        }

        var roles = _roles.GetOrAdd((app.AppId, app.Version), _ => RolesOf(Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson))));
        var records = await db.Shares.AsNoTracking().Where(s => s.GrainId == grainId).ToListAsync(ct);
        return new GrainSharing(grain, roles, records, records.Select(ToShare).ToList());
    }

    /// <summary>Raised after <see cref="Invalidate"/>, with the grain's id, so open connections can be checked again.</summary>
    public event Action<string>? Changed;

    /// <summary>Forgets every cached result for the grain: call after any change to its shares or its app.</summary>
    public void Invalidate(string grainId)
    {
        Interlocked.Increment(ref _generation);
        _grains.TryRemove(grainId, out _);
        var prefix = grainId + "|";
        foreach (var key in _results.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                _results.TryRemove(key, out _);
            }
        }

        Changed?.Invoke(grainId);
    }

    /// <summary>The evaluator's view of a stored share.</summary>
    public static Share ToShare(ShareRecord r) => new()
    {
        Id = r.Id,
        GrainId = r.GrainId,
        From = r.FromAccountId is { } account ? Principal.Account(account) : Principal.Link(r.FromLinkShareId!),
        ToAccountId = r.ToAccountId,
        RoleId = r.RoleId,
        CreatedAt = r.CreatedAt,
        ExpiresAt = r.ExpiresAt,
        RevokedAt = r.RevokedAt,
    };

    private static AppRoles RolesOf(AppManifest manifest) => new(
        manifest.Permissions.Select(p => p.Id),
        manifest.Roles.ToDictionary(r => r.Id, r => r.Permissions, StringComparer.Ordinal));

    // Entries older than MaxAge are useless; dropping them now and then keeps the caches from growing with visitors.
    private void PruneIfLarge()
    {
        if (_results.Count < 10_000 && _grains.Count < 1_000)
        {
            return;
        }

        foreach (var (key, entry) in _results)
        {
            if (time.GetElapsedTime(entry.At) >= MaxAge)
            {
                _results.TryRemove(key, out _);
            }
        }

        foreach (var (key, entry) in _grains)
        {
            if (time.GetElapsedTime(entry.At) >= MaxAge)
            {
                _grains.TryRemove(key, out _);
            }
        }
    }

    private sealed record Cached(AccessResult Result, long At);

    private sealed record CachedSharing(GrainSharing? Sharing, long At);
}
