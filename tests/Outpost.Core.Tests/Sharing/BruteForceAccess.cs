using Outpost.Core.Sharing;

namespace Outpost.Core.Tests.Sharing;

/// <summary>
/// The sharing rules read literally, for small graphs: every simple chain of active shares from the owner, each
/// carrying the intersection of its roles; a principal holds the union over the chains that end at it.
/// Exponential on purpose: it checks the evaluator without sharing any of its ideas.
/// </summary>
internal static class BruteForceAccess
{
    /// <summary>For each share that ends a chain to <paramref name="who"/>, the union of what those chains carry.</summary>
    public static Dictionary<string, HashSet<string>> Grants(string owner, IReadOnlyList<Share> shares, AppRoles roles, Principal who, DateTimeOffset now)
    {
        var active = shares.Where(s => s.IsActiveAt(now) && roles.Roles.ContainsKey(s.RoleId)).ToList();
        var grants = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var start = Principal.Account(owner);
        Walk(start, [.. roles.Permissions], [start]);
        return grants;

        void Walk(Principal at, HashSet<string> carried, HashSet<Principal> visited)
        {
            foreach (var share in active.Where(s => s.From == at))
            {
                var to = share.To;
                if (visited.Contains(to))
                {
                    continue;
                }

                var next = carried.Intersect(roles.Roles[share.RoleId]).ToHashSet();
                if (to == who)
                {
                    if (!grants.TryGetValue(share.Id, out var union))
                    {
                        grants[share.Id] = union = [];
                    }

                    union.UnionWith(next);
                    continue;
                }

                visited.Add(to);
                Walk(to, next, visited);
                visited.Remove(to);
            }
        }
    }
}
