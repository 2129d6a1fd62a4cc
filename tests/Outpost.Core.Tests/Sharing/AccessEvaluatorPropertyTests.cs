using Outpost.Core.Sharing;

namespace Outpost.Core.Tests.Sharing;

public sealed class AccessEvaluatorPropertyTests
{
    private const string Owner = "a";

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Roles that are neither nested nor disjoint, so unions and intersections along chains really differ.
    private static readonly AppRoles Roles = new(["p0", "p1", "p2"], new Dictionary<string, IReadOnlyList<string>>
    {
        ["none"] = [],
        ["r0"] = ["p0"],
        ["r1"] = ["p1"],
        ["r01"] = ["p0", "p1"],
        ["r12"] = ["p1", "p2"],
        ["all"] = ["p0", "p1", "p2"],
    });

    private static readonly string[] RoleIds = [.. Roles.Roles.Keys, "dropped"];

    private static readonly string[] Accounts = [Owner, "b", "c", "d", "e"];

    [Fact]
    public void Evaluate_RandomSmallGraphs_MatchesBruteForce()
    {
        var (reShared, severalGrants) = (0, 0);
        for (var seed = 0; seed < 3000; seed++)
        {
            var shares = RandomGraph(new Random(seed));
            var principals = Accounts.Select(Principal.Account).Concat(shares.Select(s => Principal.Link(s.Id)));
            foreach (var who in principals)
            {
                var expected = BruteForceAccess.Grants(Owner, shares, Roles, who, Now);
                var actual = AccessEvaluator.Evaluate(Owner, shares, Roles, who, Now);

                Assert.Equal(Describe(seed, who, Expected(who, expected)), Describe(seed, who, actual));
                AssertPathsAreChains(seed, who, actual);
                reShared += actual.Grants.Count(g => g.Path.Count > 1);
                severalGrants += actual.Grants.Count > 1 ? 1 : 0;
                foreach (var role in Roles.Roles.Keys)
                {
                    Assert.Equal(
                        (seed, who, role, ExpectedCheck(actual, role)),
                        (seed, who, role, AccessEvaluator.CanShare(Owner, shares, Roles, who, role, Now)));
                }
            }
        }

        // Guards the generator: the comparison means little unless many cases reach through re-shares and several paths.
        Assert.True(reShared > 1000 && severalGrants > 300, $"{reShared} grants through re-shares, {severalGrants} principals with several grants");
    }

    [Fact]
    public void Snapshot_OneBuildAnsweringEveryPrincipal_MatchesBruteForce()
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var shares = RandomGraph(new Random(seed));
            var snapshot = SharingSnapshot.Build(Owner, shares, Roles, Now);
            var principals = Accounts.Select(Principal.Account).Concat(shares.Select(s => Principal.Link(s.Id)));
            foreach (var who in principals)
            {
                var expected = BruteForceAccess.Grants(Owner, shares, Roles, who, Now);

                Assert.Equal(Describe(seed, who, Expected(who, expected)), Describe(seed, who, snapshot.Evaluate([who])));
            }
        }
    }

    [Fact]
    public void Evaluate_RandomSmallGraphsForAccountWithLink_IsTheUnionOfBoth()
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            var shares = RandomGraph(random);
            var links = shares.Where(s => s.IsLink).ToList();
            if (links.Count == 0)
            {
                continue;
            }

            var account = Principal.Account(Accounts[random.Next(1, Accounts.Length)]);
            var link = links[random.Next(links.Count)].To;
            var one = AccessEvaluator.Evaluate(Owner, shares, Roles, account, Now);
            var other = AccessEvaluator.Evaluate(Owner, shares, Roles, link, Now);

            var both = AccessEvaluator.Evaluate(Owner, shares, Roles, [account, link], Now);

            Assert.Equal((seed, one.HasAccess || other.HasAccess), (seed, both.HasAccess));
            Assert.Equal((seed, Sorted(one.Permissions.Union(other.Permissions))), (seed, Sorted(both.Permissions)));
        }
    }

    private static List<Share> RandomGraph(Random random)
    {
        var count = random.Next(0, 12);
        var shares = new List<Share>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"s{i}";
            var isLink = random.Next(4) == 0;

            // Mostly the owner or someone already shared with, so chains grow; sometimes any account or the holder of
            // any link, including links made later or never: that is how cycles and dangling makers get exercised.
            var from = random.Next(8) switch
            {
                0 or 1 => Principal.Account(Owner),
                2 => Principal.Account(Accounts[random.Next(Accounts.Length)]),
                3 => Principal.Link($"s{random.Next(count)}"),
                _ when i > 0 => shares[random.Next(i)].To,
                _ => Principal.Account(Owner),
            };
            shares.Add(new Share
            {
                Id = id,
                GrainId = "g",
                From = from,
                ToAccountId = isLink ? null : Accounts[random.Next(Accounts.Length)],
                RoleId = RoleIds[random.Next(RoleIds.Length)],
                CreatedAt = random.Next(20) == 0 ? Now.AddMinutes(1) : Now.AddDays(-1),
                ExpiresAt = random.Next(6) == 0 ? Now.AddMinutes(random.Next(-2, 3)) : null,
                RevokedAt = random.Next(6) == 0 ? Now.AddMinutes(random.Next(-2, 3)) : null,
            });
        }

        return shares;
    }

    private static AccessResult Expected(Principal who, Dictionary<string, HashSet<string>> grants)
    {
        if (who == Principal.Account(Owner))
        {
            return new AccessResult { HasAccess = true, IsOwner = true, Permissions = Roles.Permissions };
        }

        // Only the fields Describe reads matter here.
        return new AccessResult
        {
            HasAccess = grants.Count > 0,
            Permissions = [.. grants.Values.SelectMany(p => p)],
            Grants = [.. grants.Select(g => new AccessGrant { Share = new Share { Id = g.Key, GrainId = "g", From = who, RoleId = "" }, Permissions = [.. g.Value] })],
        };
    }

    private static string Describe(int seed, Principal who, AccessResult access) =>
        $"seed {seed}, {who}: access={access.HasAccess} owner={access.IsOwner} [{Sorted(access.Permissions)}] "
        + string.Join(" ", access.Grants.OrderBy(g => g.Share.Id, StringComparer.Ordinal).Select(g => $"{g.Share.Id}:[{Sorted(g.Permissions)}]"));

    private static string Sorted(IEnumerable<string> permissions) => string.Join(",", permissions.Distinct().Order(StringComparer.Ordinal));

    private static ShareCheck ExpectedCheck(AccessResult access, string role) =>
        !access.HasAccess ? ShareCheck.NoAccess
        : Roles.Roles[role].All(access.Permissions.Contains) ? ShareCheck.Allowed
        : ShareCheck.WouldEscalate;

    private static void AssertPathsAreChains(int seed, Principal who, AccessResult access)
    {
        foreach (var grant in access.Grants)
        {
            var path = grant.Path;
            var context = $"seed {seed}, {who}, grant {grant.Share.Id}";
            Assert.True(path[0].From == Principal.Account(Owner), context);
            Assert.True(path[^1] == grant.Share, context);
            Assert.True(path.All(s => s.IsActiveAt(Now)), context);
            Assert.True(path.Zip(path.Skip(1)).All(p => p.First.To == p.Second.From), context);
            Assert.True(path.Select(s => s.To).Prepend(path[0].From).Distinct().Count() == path.Count + 1, context);
        }
    }
}
