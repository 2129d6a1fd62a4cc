using Outpost.Core.Sharing;
using static Outpost.Core.Tests.Sharing.Grain;

namespace Outpost.Core.Tests.Sharing;

/// <summary>Graph sizes and shapes that would break a naive evaluator, and inputs it must refuse.</summary>
public sealed class AccessEvaluatorLimitsTests
{
    [Fact]
    public void Evaluate_TenThousandShareChain_ReachesTheEndWithTheWholePath()
    {
        var shares = new List<Share>();
        var previous = Ada;
        for (var i = 0; i < 10_000; i++)
        {
            var next = Principal.Account($"u{i}");
            shares.Add(To($"s{i}", previous, next, "editor"));
            previous = next;
        }

        var access = Evaluate(shares, previous);

        Assert.Equal(10_000, Assert.Single(access.Grants).Path.Count);
    }

    [Fact]
    public void Evaluate_ExponentiallyManyChains_DoesNotEnumerateThem()
    {
        // Two principals per level, each sharing with both of the next: 2^60 distinct chains to the last level.
        // Enumerating chains would never finish; the fixpoint search visits each share a bounded number of times.
        var shares = new List<Share>();
        Principal[] level = [Ada];
        for (var depth = 0; depth < 60; depth++)
        {
            Principal[] next = [Principal.Account($"l{depth}a"), Principal.Account($"l{depth}b")];
            foreach (var from in level)
            {
                foreach (var to in next)
                {
                    shares.Add(To($"{from.Id}-{to.Id}", from, to, depth % 2 == 0 ? "editor" : "commenter"));
                }
            }

            level = next;
        }

        var access = Evaluate(shares, level[0]);

        Assert.Equal(["read", "comment"], access.Permissions);
        Assert.Equal(60, access.Grants[0].Path.Count);
    }

    [Fact]
    public void Evaluate_SharesOfTwoGrains_Throws()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor"), To("ac", Ada, Cleo, "editor") with { GrainId = "grain-2" }];

        Assert.Throws<ArgumentException>(() => Evaluate(shares, Bob));
    }

    [Fact]
    public void Evaluate_DuplicateShareIds_Throws()
    {
        Share[] shares = [To("s", Ada, Bob, "viewer"), Link("s", Ada, "editor")];

        Assert.Throws<ArgumentException>(() => Evaluate(shares, Principal.Link("s")));
    }
}
