using System.Collections.Concurrent;
using Outpost.Server.Hosting;
using Outpost.Server.Sessions;

namespace Outpost.Server.Sharing;

/// <summary>
/// Requests of visitors (not owners) that are still being forwarded: WebSockets, streams, long polls. Checking
/// access when a request arrives is not enough for those, as they may stay open for hours; so they are checked
/// again at once when a grain's sharing changes here, and every <see cref="CheckInterval"/> (for expiry and
/// changes made on other nodes), and aborted when the visitor has lost access.
/// </summary>
internal sealed partial class OpenRequests : PeriodicService
{
    /// <summary>How often every open request is checked again.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<long, OpenRequest> _open = new();
    private readonly GrainAccess _access;
    private long _lastId;

    public OpenRequests(GrainAccess access, TimeProvider time, ILogger<OpenRequests> logger)
        : base(CheckInterval, time, logger)
    {
        _access = access;
        access.Changed += grainId => _ = CheckAsync(grainId, CancellationToken.None);
    }

    /// <summary>How many requests are being watched.</summary>
    public int Count => _open.Count;

    /// <summary>Watches a forwarded request until the returned handle is disposed.</summary>
    public Registration Watch(HttpContext context, SessionEntry session)
    {
        var id = Interlocked.Increment(ref _lastId);
        _open[id] = new OpenRequest(context, session);
        return new Registration(this, id);
    }

    /// <summary>Checks every open request; returns how many were aborted.</summary>
    public override Task<int> RunOnceAsync(CancellationToken ct) => CheckAsync(grainId: null, ct);

    private async Task<int> CheckAsync(string? grainId, CancellationToken ct)
    {
        var aborted = 0;
        foreach (var (id, open) in _open)
        {
            if (grainId is not null && open.Session.GrainId != grainId)
            {
                continue;
            }

            try
            {
                if (!(await _access.GetAsync(open.Session.GrainId, open.Session.Principals, ct)).HasAccess && _open.TryRemove(id, out _))
                {
                    open.Context.Abort();
                    LogAborted(Logger, open.Session.SessionId);
                    aborted++;
                }
            }
            catch (ObjectDisposedException)
            {
                // The request ended while being checked.
            }
        }

        return aborted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: open request closed (access was revoked)")]
    private static partial void LogAborted(ILogger logger, string sessionId);

    private sealed record OpenRequest(HttpContext Context, SessionEntry Session);

    /// <summary>Stops watching the request when disposed.</summary>
    public readonly struct Registration(OpenRequests owner, long id) : IDisposable
    {
        public void Dispose() => owner?._open.TryRemove(id, out _);
    }
}
