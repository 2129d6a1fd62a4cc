namespace Outpost.Core.Sharing;

/// <summary>Decides, from a grain's shares and its app's roles, what a principal may do with the grain right now.</summary>
/// <remarks>
/// Nothing is stored but the shares themselves: permissions are recomputed from role ids at each call, so revoking,
/// expiring or an app update redefining a role all take effect on the next evaluation.
/// </remarks>
public static class AccessEvaluator
{
    /// <summary>What <paramref name="who"/> holds on the grain owned by <paramref name="grainOwnerId"/> at <paramref name="now"/>.</summary>
    /// <param name="grainOwnerId">Account id of the grain's owner, who holds every permission.</param>
    /// <param name="shares">Every share of the grain, including revoked and expired ones (they are ignored).</param>
    /// <param name="roles">The roles of the app version the grain runs now.</param>
    /// <param name="who">The account, or the link holder, asking.</param>
    /// <param name="now">The instant of the access; shares expired or revoked at or before it grant nothing.</param>
    public static AccessResult Evaluate(string grainOwnerId, IReadOnlyCollection<Share> shares, AppRoles roles, Principal who, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(who);
        return Evaluate(grainOwnerId, shares, roles, [who], now);
    }

    /// <summary>
    /// What a visitor who is several principals at once holds, e.g. a signed-in account that also presents a link:
    /// the union of what each holds.
    /// </summary>
    public static AccessResult Evaluate(string grainOwnerId, IReadOnlyCollection<Share> shares, AppRoles roles, IReadOnlyCollection<Principal> who, DateTimeOffset now) =>
        SharingSnapshot.Build(grainOwnerId, shares, roles, now).Evaluate(who);

    /// <summary>Whether <paramref name="maker"/> may share the grain with <paramref name="requestedRole"/>: never more than they hold.</summary>
    /// <remarks>A share made through a link must name the link (<see cref="Principal.Link"/>) as its maker, so that it falls with the link.</remarks>
    public static ShareCheck CanShare(string grainOwnerId, IReadOnlyCollection<Share> shares, AppRoles roles, Principal maker, string requestedRole, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(requestedRole);
        var access = Evaluate(grainOwnerId, shares, roles, maker, now);
        if (!access.HasAccess)
        {
            return ShareCheck.NoAccess;
        }

        if (!roles.Roles.TryGetValue(requestedRole, out var requested))
        {
            return ShareCheck.UnknownRole;
        }

        // Compare by permissions, not role names: a viewer may pass on any role whose permissions they all hold.
        var holds = access.Permissions.ToHashSet(StringComparer.Ordinal);
        return requested.All(holds.Contains) ? ShareCheck.Allowed : ShareCheck.WouldEscalate;
    }

    /// <summary>Whether <paramref name="who"/> may revoke <paramref name="share"/>: the grain's owner, or whoever made it.</summary>
    public static bool CanRevoke(string grainOwnerId, Share share, Principal who)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainOwnerId);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(who);
        return who == Principal.Account(grainOwnerId) || who == share.From;
    }
}
