using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Outpost.Core.Sharing;

namespace Outpost.Benchmarks;

/// <summary>
/// The permission check a request through the session host pays: <see cref="AccessEvaluator.Evaluate(string, IReadOnlyCollection{Share}, AppRoles, IReadOnlyCollection{Principal}, DateTimeOffset)"/>
/// on one grain's shares, which builds the sharing graph and searches it on every call. The server runs it on a cache
/// miss, at most once a second per (grain, visitor); on a hit it only looks the result up, as
/// <see cref="CacheHit"/> does. The baseline is a grain with 10 shares.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class SharingBenchmarks
{
    private const int Edges = 10_000;

    private readonly ConcurrentDictionary<string, CachedAccess> _results = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = TimeProvider.System;
    private Graph _small = null!;
    private Graph _wide = null!;
    private Graph _tree = null!;
    private Graph _chains = null!;
    private SharingSnapshot _wideSnapshot = null!;
    private SharingSnapshot _treeSnapshot = null!;
    private SharingSnapshot _chainsSnapshot = null!;
    private string _cachedGrainId = null!;
    private Principal[] _cachedVisitor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = Graph.From(new SharingShapes(), s => s.Small());
        _wide = Graph.From(new SharingShapes(), s => s.Wide(Edges));
        _tree = Graph.From(new SharingShapes(), s => s.Tree(fanOut: 10, depth: 4));
        _chains = Graph.From(new SharingShapes(), s => s.Chains(chains: Edges / 50, length: 50));

        // A wrong shape would measure something else quietly: check each visitor gets the answer its name promises.
        foreach (var graph in new[] { _small, _wide, _tree, _chains })
        {
            if (!Evaluate(graph, graph.Visitor).HasAccess || Evaluate(graph, graph.Stranger).HasAccess)
            {
                throw new InvalidOperationException("A sharing shape denies its visitor or admits a stranger.");
            }
        }

        _wideSnapshot = SharingSnapshot.Build(_wide.OwnerId, _wide.Shares, SharingShapes.Roles, SharingShapes.Now);
        _treeSnapshot = SharingSnapshot.Build(_tree.OwnerId, _tree.Shares, SharingShapes.Roles, SharingShapes.Now);
        _chainsSnapshot = SharingSnapshot.Build(_chains.OwnerId, _chains.Shares, SharingShapes.Roles, SharingShapes.Now);

        // The cache as a busy server holds it: 10,000 entries, the most it keeps before pruning.
        var shapes = new SharingShapes();
        var result = Evaluate(_small, _small.Visitor);
        for (var i = 0; i < 10_000; i++)
        {
            _results[CacheKey(shapes.GrainId, [shapes.NewAccount()])] = new CachedAccess(result, FreshThroughTheRun());
        }

        _cachedGrainId = shapes.GrainId;
        _cachedVisitor = [shapes.NewAccount()];
        _results[CacheKey(_cachedGrainId, _cachedVisitor)] = new CachedAccess(result, FreshThroughTheRun());
    }

    [Benchmark(Baseline = true, Description = "10 shares, visitor 3 hops away")]
    public AccessResult Small() => Evaluate(_small, _small.Visitor);

    [Benchmark(Description = "10,000 direct shares, one of them")]
    public AccessResult WideMember() => Evaluate(_wide, _wide.Visitor);

    [Benchmark(Description = "11,110 shares, tree 10×4, a leaf")]
    public AccessResult TreeLeaf() => Evaluate(_tree, _tree.Visitor);

    [Benchmark(Description = "10,000 shares, 200 chains × 50, a chain's end")]
    public AccessResult ChainEnd() => Evaluate(_chains, _chains.Visitor);

    [Benchmark(Description = "11,110 shares, tree 10×4, no access")]
    public AccessResult TreeStranger() => Evaluate(_tree, _tree.Stranger);

    [Benchmark(Description = "11,110 shares: build the graph once (per grain and second)")]
    public SharingSnapshot TreeBuild() => SharingSnapshot.Build(_tree.OwnerId, _tree.Shares, SharingShapes.Roles, SharingShapes.Now);

    [Benchmark(Description = "10,000 direct shares, one of them, on the built graph")]
    public AccessResult WideMemberOnSnapshot() => _wideSnapshot.Evaluate(_wide.Visitor);

    [Benchmark(Description = "11,110 shares, tree 10×4, a leaf, on the built graph")]
    public AccessResult TreeLeafOnSnapshot() => _treeSnapshot.Evaluate(_tree.Visitor);

    [Benchmark(Description = "10,000 shares, 200 chains × 50, a chain's end, on the built graph")]
    public AccessResult ChainEndOnSnapshot() => _chainsSnapshot.Evaluate(_chains.Visitor);

    /// <summary>What GrainAccess does on a hit: build the key, look it up, check the entry's age.</summary>
    [Benchmark(Description = "cache hit (key + lookup + age check)")]
    public AccessResult? CacheHit()
    {
        var key = CacheKey(_cachedGrainId, _cachedVisitor);
        return _results.TryGetValue(key, out var cached) && _time.GetElapsedTime(cached.At) < TimeSpan.FromSeconds(1)
            ? cached.Result
            : null;
    }

    private static AccessResult Evaluate(Graph graph, IReadOnlyCollection<Principal> visitor) =>
        AccessEvaluator.Evaluate(graph.OwnerId, graph.Shares, SharingShapes.Roles, visitor, SharingShapes.Now);

    // The same key GrainAccess builds, so the hit pays for the same concatenation and Principal.ToString calls.
    private static string CacheKey(string grainId, IReadOnlyCollection<Principal> visitor) => grainId + "|" + string.Join('|', visitor);

    // Stamped an hour ahead so entries stay younger than the 1-second bound however long the run takes; the age
    // check costs the same as for a genuinely fresh entry.
    private long FreshThroughTheRun() => _time.GetTimestamp() + (_time.TimestampFrequency * 3600);

    /// <summary>One grain's shares, a visitor who holds access and one who does not, as the request path holds them.</summary>
    private sealed record Graph(string OwnerId, List<Share> Shares, Principal[] Visitor, Principal[] Stranger)
    {
        public static Graph From(SharingShapes shapes, Func<SharingShapes, (List<Share> Shares, Principal Visitor)> build)
        {
            var (shares, visitor) = build(shapes);
            return new Graph(shapes.OwnerId, shares, [visitor], [shapes.NewAccount()]);
        }
    }

    private sealed record CachedAccess(AccessResult Result, long At);
}
