namespace Outpost.Core.Sharing;

/// <summary>
/// A grain's sharing graph built once at one instant, to answer for many visitors: building costs a pass over all
/// the grain's shares, each answer only the visitor's own chains. Shares expiring after <see cref="At"/> still count,
/// so keep a snapshot only briefly (the server keeps one at most a second).
/// </summary>
public sealed class SharingSnapshot
{
    private readonly SharingGraph _graph;
    private readonly AppRoles _roles;

    private SharingSnapshot(SharingGraph graph, AppRoles roles, DateTimeOffset at)
    {
        _graph = graph;
        _roles = roles;
        At = at;
    }

    /// <summary>The instant the graph was built for.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Builds the graph of <paramref name="shares"/> in force at <paramref name="now"/>.</summary>
    /// <param name="grainOwnerId">Account id of the grain's owner, who holds every permission.</param>
    /// <param name="shares">Every share of the grain, including revoked and expired ones (they are left out).</param>
    /// <param name="roles">The roles of the app version the grain runs now.</param>
    /// <param name="now">The instant the snapshot stands for.</param>
    public static SharingSnapshot Build(string grainOwnerId, IReadOnlyCollection<Share> shares, AppRoles roles, DateTimeOffset now) =>
        new(SharingGraph.Build(grainOwnerId, shares, roles, now), roles, now);

    /// <summary>What a visitor who is all of <paramref name="who"/> holds: the union of what each holds.</summary>
    public AccessResult Evaluate(IReadOnlyCollection<Principal> who)
    {
        ArgumentNullException.ThrowIfNull(who);
        var holders = who.ToHashSet();
        if (holders.Contains(_graph.Owner))
        {
            return new AccessResult { HasAccess = true, IsOwner = true, Permissions = _roles.Permissions };
        }

        var grants = _graph.Grants(holders);
        if (grants.Count == 0)
        {
            return AccessResult.None;
        }

        var held = UInt128.Zero;
        var granted = new List<AccessGrant>(grants.Count);
        foreach (var (edge, mask, path) in grants)
        {
            held |= mask;
            granted.Add(new AccessGrant { Share = edge.Share, Permissions = _roles.Names(mask), Path = path });
        }

        return new AccessResult
        {
            HasAccess = true,
            Permissions = _roles.Names(held),
            Roles = [.. granted.Select(g => g.Share.RoleId).Distinct(StringComparer.Ordinal)],
            Grants = granted,
        };
    }
}
