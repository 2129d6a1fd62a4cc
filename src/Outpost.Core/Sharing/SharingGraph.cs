namespace Outpost.Core.Sharing;

/// <summary>An active share resolved against the app's roles: an edge that can carry permissions.</summary>
internal readonly record struct ShareEdge(Share Share, Principal From, Principal To, UInt128 Mask);

/// <summary>A grain's active shares at one instant, as lists of the shares each principal receives, and the search that decides who holds what.</summary>
internal sealed class SharingGraph
{
    private readonly Dictionary<Principal, List<ShareEdge>> _incoming = [];
    private readonly UInt128 _all;

    private SharingGraph(Principal owner, UInt128 all)
    {
        Owner = owner;
        _all = all;
    }

    /// <summary>The grain owner: the root of every chain.</summary>
    public Principal Owner { get; }

    /// <summary>Keeps the shares in force at <paramref name="now"/> whose role the app still declares.</summary>
    public static SharingGraph Build(string grainOwnerId, IReadOnlyCollection<Share> shares, AppRoles roles, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainOwnerId);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(roles);

        var graph = new SharingGraph(Principal.Account(grainOwnerId), roles.All);
        var ids = new HashSet<string>(shares.Count, StringComparer.Ordinal);
        string? grainId = null;
        foreach (var share in shares)
        {
            // Mixed grains or duplicate ids mean the caller loaded the wrong rows; a link's identity is its share id,
            // so evaluating anyway could hand one link's access to another. Fail loudly instead.
            grainId ??= share.GrainId;
            if (!string.Equals(share.GrainId, grainId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Shares of grains '{grainId}' and '{share.GrainId}' were mixed.", nameof(shares));
            }

            if (!ids.Add(share.Id))
            {
                throw new ArgumentException($"Share id '{share.Id}' appears twice.", nameof(shares));
            }

            // A role the app no longer declares grants nothing, not even bare access: failing closed is the safe
            // reading of an app update that dropped the role.
            if (!share.IsActiveAt(now) || !roles.TryGetMask(share.RoleId, out var mask))
            {
                continue;
            }

            var to = share.To;
            if (to == graph.Owner || to == share.From)
            {
                continue;
            }

            var edge = new ShareEdge(share, share.From, to, mask);
            Add(graph._incoming, edge.To, edge);
        }

        return graph;
    }

    /// <summary>
    /// What the <paramref name="holders"/> together hold: the shares they hold whose makers have access, each with
    /// the permissions it carries and one chain from the owner.
    /// </summary>
    /// <remarks>
    /// The search never walks out of a holder. A chain that passes through a holder and comes back to it can only
    /// carry a subset of what its first part already gave, so it adds nothing; leaving it out also keeps
    /// circular shares (B→C made while C had access through B) from being reported as the reason C has access.
    /// </remarks>
    public IReadOnlyList<(ShareEdge Edge, UInt128 Mask, IReadOnlyList<Share> Path)> Grants(IReadOnlySet<Principal> holders)
    {
        var reach = Search(holders);
        var grants = new List<(ShareEdge, UInt128, IReadOnlyList<Share>)>();
        foreach (var holder in holders)
        {
            if (!_incoming.TryGetValue(holder, out var edges))
            {
                continue;
            }

            foreach (var edge in edges)
            {
                if (reach.Held.TryGetValue(edge.From, out var makerHolds))
                {
                    grants.Add((edge, makerHolds & edge.Mask, reach.PathThrough(edge)));
                }
            }
        }

        return grants;
    }

    /// <summary>
    /// Least fixpoint of "a principal holds the union, over shares it receives, of the share's role intersected
    /// with what the share's maker holds", grown outward from the owner, over the holders' ancestors only.
    /// </summary>
    /// <remarks>
    /// Only principals from which a chain leads to a holder can matter, so the search first walks backwards from the
    /// holders to find them, then runs forward over the shares among them alone: a visitor of a grain shared with
    /// ten thousand people costs the length of their own chains, not the size of the graph.
    /// Sets only grow and each is at most 128 bits, so a principal is re-queued at most 128 times after it is first
    /// reached: the work is bounded by edges × permissions however many chains there are, and cycles simply stop
    /// changing anything. A FIFO queue makes the first edge that reaches a principal lie on a fewest-hops chain
    /// (every shortest chain to an ancestor runs through ancestors only).
    /// </remarks>
    private Reach Search(IReadOnlySet<Principal> holders)
    {
        var reach = new Reach(Owner);
        reach.Held[Owner] = _all;
        var ancestors = Ancestors(holders);
        if (!ancestors.Contains(Owner))
        {
            return reach;
        }

        var outgoing = new Dictionary<Principal, List<ShareEdge>>();
        foreach (var node in ancestors)
        {
            if (_incoming.TryGetValue(node, out var edges))
            {
                foreach (var edge in edges)
                {
                    if (ancestors.Contains(edge.From))
                    {
                        Add(outgoing, edge.From, edge);
                    }
                }
            }
        }

        var queue = new Queue<Principal>();
        var queued = new HashSet<Principal>();
        queue.Enqueue(Owner);
        queued.Add(Owner);
        while (queue.TryDequeue(out var maker))
        {
            queued.Remove(maker);
            if (!outgoing.TryGetValue(maker, out var edges))
            {
                continue;
            }

            var makerHolds = reach.Held[maker];
            foreach (var edge in edges)
            {
                var carried = makerHolds & edge.Mask;
                if (!reach.Held.TryGetValue(edge.To, out var before))
                {
                    reach.Held[edge.To] = carried;
                    reach.Parent[edge.To] = edge;
                }
                else if ((before | carried) != before)
                {
                    reach.Held[edge.To] = before | carried;
                }
                else
                {
                    continue;
                }

                if (queued.Add(edge.To))
                {
                    queue.Enqueue(edge.To);
                }
            }
        }

        return reach;
    }

    /// <summary>Every principal with a chain of shares to one of the holders, not passing through a holder (holders themselves excluded).</summary>
    private HashSet<Principal> Ancestors(IReadOnlySet<Principal> holders)
    {
        var found = new HashSet<Principal>();
        var pending = new Stack<Principal>(holders);
        while (pending.TryPop(out var node))
        {
            if (!_incoming.TryGetValue(node, out var edges))
            {
                continue;
            }

            foreach (var edge in edges)
            {
                if (!holders.Contains(edge.From) && found.Add(edge.From))
                {
                    pending.Push(edge.From);
                }
            }
        }

        return found;
    }

    private static void Add(Dictionary<Principal, List<ShareEdge>> lists, Principal key, ShareEdge edge)
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = [];
        }

        list.Add(edge);
    }

    /// <summary>The outcome of one search: what each reached principal holds and the edge that first reached it.</summary>
    private sealed class Reach(Principal owner)
    {
        public Dictionary<Principal, UInt128> Held { get; } = [];

        public Dictionary<Principal, ShareEdge> Parent { get; } = [];

        /// <summary>The chain from the owner ending with <paramref name="last"/>, walked iteratively so long chains cannot overflow the stack.</summary>
        public IReadOnlyList<Share> PathThrough(ShareEdge last)
        {
            var path = new List<Share> { last.Share };
            var at = last.From;
            while (at != owner)
            {
                // Parents form a tree rooted at the owner (each is set once, from an already reached principal).
                var edge = Parent[at];
                path.Add(edge.Share);
                at = edge.From;
            }

            path.Reverse();
            return path;
        }
    }
}
