using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Packaging;

namespace Outpost.Server.Sessions;

/// <summary>What the router needs to know about a session on every request, without a database round trip.</summary>
internal sealed record SessionEntry
{
    public required string SessionId { get; init; }

    public required string GrainId { get; init; }

    public required string AccountId { get; init; }

    public required string UserName { get; init; }

    /// <summary>Comma-separated permission ids, as sent in <c>X-Outpost-Permissions</c>.</summary>
    public required string Permissions { get; init; }

    /// <summary>Hash of the session cookie; null until the ticket has been redeemed.</summary>
    public string? CookieHash { get; init; }

    /// <summary>After this the session host refuses every request; the person opens the grain again.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>How the grain runs: requests to a native grain go to its sandbox, to a wasm grain into a fresh instance.</summary>
    public SandboxKind Sandbox { get; init; }

    public required string AppId { get; init; }

    public int AppVersion { get; init; }

    /// <summary>The app's command: for wasm grains, the module path inside the package and its args and env.</summary>
    public required AppCommand Command { get; init; }
}

/// <summary>Sessions by host label, loaded from the database on first use.</summary>
internal sealed class SessionCache(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<Hosting.OutpostOptions> options)
{
    private readonly ConcurrentDictionary<string, SessionEntry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<SessionEntry?> GetAsync(string sessionId, CancellationToken ct)
    {
        if (_entries.TryGetValue(sessionId, out var cached))
        {
            return cached;
        }

        var loaded = await LoadAsync(sessionId, ct);
        if (loaded is not null)
        {
            _entries[sessionId] = loaded;
        }

        return loaded;
    }

    public void Forget(string sessionId) => _entries.TryRemove(sessionId, out _);

    public void ForgetGrain(string grainId)
    {
        foreach (var (id, entry) in _entries)
        {
            if (entry.GrainId == grainId)
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private async Task<SessionEntry?> LoadAsync(string sessionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var row = await (
            from s in db.Sessions
            where s.Id == sessionId
            join g in db.Grains on s.GrainId equals g.Id
            join a in db.Apps on g.AppId equals a.AppId
            join u in db.Accounts on s.AccountId equals u.Id
            select new { Session = s, g.OwnerId, a.AppId, a.Version, a.ManifestJson, UserName = u.Name }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        // Only owners open grains for now, and the owner holds every permission the app declares.
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(row.ManifestJson));
        var permissions = row.OwnerId == row.Session.AccountId
            ? string.Join(',', manifest.Permissions.Select(p => p.Id))
            : "";
        return new SessionEntry
        {
            SessionId = row.Session.Id,
            GrainId = row.Session.GrainId,
            AccountId = row.Session.AccountId,
            UserName = row.UserName,
            Permissions = permissions,
            CookieHash = row.Session.CookieHash,
            ExpiresAt = row.Session.CreatedAt + options.Value.SessionLifetime,
            Sandbox = manifest.Sandbox,
            AppId = row.AppId,
            AppVersion = row.Version,
            Command = manifest.Command,
        };
    }
}
