using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Packaging;

namespace Outpost.Server.Sessions;

/// <summary>What the router needs to know about a session on every request, without a database round trip.</summary>
internal sealed record SessionEntry
{
    public required string SessionId { get; init; }

    public required string GrainId { get; init; }

    /// <summary>The signed-in account, or null for an anonymous visitor through a link.</summary>
    public string? AccountId { get; init; }

    /// <summary>The link share the session was opened through, if any.</summary>
    public string? LinkShareId { get; init; }

    public required string UserName { get; init; }

    /// <summary>Comma-separated permission ids, as sent in <c>X-Outpost-Permissions</c>; set by the router on each request.</summary>
    public string Permissions { get; init; } = "";

    /// <summary>Who the visitor is in the grain's sharing graph: the account, the link, or both.</summary>
    public IReadOnlyList<Principal> Principals { get; init; } = [];

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
    /// <summary>The name an app sees for a visitor who opened a link without signing in.</summary>
    public const string AnonymousName = "Anonymous";

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
            join u in db.Accounts on s.AccountId equals u.Id into accounts
            from u in accounts.DefaultIfEmpty()
            select new { Session = s, Grain = g, App = a, UserName = u == null ? null : u.Name }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        // Permissions are not kept here: the router asks GrainAccess on every request, so revocation applies at once.
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(row.App.ManifestJson));
        var version = row.Grain.AppVersion;
        if (manifest.Sandbox == SandboxKind.Wasm)
        {
            // A WebAssembly grain starts afresh on every request, so a session is its "next start": it moves to the
            // newest (or pinned) version here, and records it so the version it runs is never removed as unused.
            version = Updates.GrainVersions.Target(row.App, row.Grain);
            if (version != row.Grain.AppVersion)
            {
                await db.Grains.Where(g => g.Id == row.Grain.Id).ExecuteUpdateAsync(u => u.SetProperty(g => g.AppVersion, version), ct);
            }

            if (version != row.App.Version
                && await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(v => v.AppId == row.App.AppId && v.Version == version, ct) is { } older)
            {
                manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(older.ManifestJson));
            }
        }

        List<Principal> principals = [];
        if (row.Session.AccountId is { } accountId)
        {
            principals.Add(Principal.Account(accountId));
        }

        if (row.Session.LinkShareId is { } linkShareId)
        {
            principals.Add(Principal.Link(linkShareId));
        }

        return new SessionEntry
        {
            SessionId = row.Session.Id,
            GrainId = row.Session.GrainId,
            AccountId = row.Session.AccountId,
            LinkShareId = row.Session.LinkShareId,
            UserName = row.UserName ?? AnonymousName,
            Principals = principals,
            CookieHash = row.Session.CookieHash,
            ExpiresAt = row.Session.CreatedAt + options.Value.SessionLifetime,
            Sandbox = manifest.Sandbox,
            AppId = row.App.AppId,
            AppVersion = version,
            Command = manifest.Command,
        };
    }
}
