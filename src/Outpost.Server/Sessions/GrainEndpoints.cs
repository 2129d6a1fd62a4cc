using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;

namespace Outpost.Server.Sessions;

/// <summary>
/// Knows where each running grain answers and keeps busy grains awake. Asking the grain's activation on every
/// request would add a cluster call to the hot path, so endpoints are cached and the activation is "touched" at
/// most once per <see cref="TouchInterval"/> per grain, and periodically while a long request (a WebSocket, a
/// download) is still open.
/// </summary>
internal sealed class GrainEndpoints : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ITimer _keepAlive;

    public GrainEndpoints(IGrainFactory grains, TimeProvider time, IOptions<GrainLifecycleOptions> lifecycle)
    {
        _grains = grains;
        _time = time;
        var idle = lifecycle.Value.IdleTimeout;
        TouchInterval = idle / 4 < TimeSpan.FromSeconds(1) ? idle / 4 : TimeSpan.FromSeconds(1);
        _keepAlive = time.CreateTimer(_ => _ = KeepBusyGrainsAwakeAsync(), null, idle / 3, idle / 3);
    }

    /// <summary>How stale a cached endpoint may be before the activation is asked (and touched) again.</summary>
    public TimeSpan TouchInterval { get; }

    /// <summary>Marks a request to a grain as in flight until the returned handle is disposed.</summary>
    public InFlight BeginRequest(string grainId)
    {
        var entry = _entries.GetOrAdd(grainId, static _ => new Entry());
        Interlocked.Increment(ref entry.InFlight);
        return new InFlight(entry);
    }

    /// <summary><see cref="SocketsHttpHandler.ConnectCallback"/>: opens a connection to the grain named by the request's host.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var grainId = GrainForwarder.GrainIdFromDestinationHost(context.DnsEndPoint.Host);
        var endpoint = await GetAsync(grainId, refresh: false, ct);
        try
        {
            return await ConnectUnixAsync(endpoint.SocketPath, ct);
        }
        catch (SocketException)
        {
            // The cached sandbox is gone (stopped for idleness, crashed): ask the activation, which starts it again.
            endpoint = await GetAsync(grainId, refresh: true, ct);
            return await ConnectUnixAsync(endpoint.SocketPath, ct);
        }
    }

    public async ValueTask DisposeAsync() => await _keepAlive.DisposeAsync();

    private async ValueTask<GrainEndpoint> GetAsync(string grainId, bool refresh, CancellationToken ct)
    {
        var entry = _entries.GetOrAdd(grainId, static _ => new Entry());
        var cached = entry.Endpoint;
        if (!refresh && cached is not null && _time.GetElapsedTime(Volatile.Read(ref entry.TouchedAt)) < TouchInterval)
        {
            return cached;
        }

        var endpoint = await _grains.GetGrain<IGrainActivation>(grainId).EnsureStarted().WaitAsync(ct);
        entry.Endpoint = endpoint;
        Volatile.Write(ref entry.TouchedAt, _time.GetTimestamp());
        return endpoint;
    }

    private async Task KeepBusyGrainsAwakeAsync()
    {
        foreach (var (grainId, entry) in _entries)
        {
            if (Volatile.Read(ref entry.InFlight) > 0)
            {
                try
                {
                    await GetAsync(grainId, refresh: true, CancellationToken.None);
                }
                catch (Exception e) when (e is GrainStartException or GrainNotFoundException)
                {
                    // The open request will fail on its own; nothing to keep awake.
                }
            }
            else if (entry.Endpoint is null || _time.GetElapsedTime(Volatile.Read(ref entry.TouchedAt)) > TimeSpan.FromHours(1))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(grainId, entry));
            }
        }
    }

    private static async Task<Stream> ConnectUnixAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal sealed class Entry
    {
        public volatile GrainEndpoint? Endpoint;
        public long TouchedAt;
        public int InFlight;
    }

    /// <summary>Handle for an in-flight request; dispose when the response is complete.</summary>
    public readonly struct InFlight : IDisposable
    {
        private readonly Entry _entry;

        internal InFlight(Entry entry) => _entry = entry;

        public void Dispose() => Interlocked.Decrement(ref _entry.InFlight);
    }
}
