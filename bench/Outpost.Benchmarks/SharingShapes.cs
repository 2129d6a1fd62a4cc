using Outpost.Core.Sharing;

namespace Outpost.Benchmarks;

/// <summary>Sharing graphs of one grain in the shapes the permission check meets, with ids shaped like the server's.</summary>
/// <remarks>
/// Ids have the stored lengths (accounts are 36-character GUIDs, grains and shares 32 hex characters) because the
/// search hashes them at every step. Every share is active: revoked and expired ones are dropped while the graph is
/// built and would only make the search cheaper.
/// </remarks>
internal sealed class SharingShapes
{
    /// <summary>The moment every evaluation happens at; all shares were made before it.</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // Fixed seed: every BenchmarkDotNet process must build the same graphs.
    private readonly Random _random = new(20250601);

    /// <summary>Creates the owner and grain of a fresh graph.</summary>
    public SharingShapes()
    {
        OwnerId = NewAccountId();
        GrainId = NewHexId();
    }

    /// <summary>Account id of the grain's owner.</summary>
    public string OwnerId { get; }

    /// <summary>The one grain every share is on.</summary>
    public string GrainId { get; }

    /// <summary>
    /// Roles of a collaborative app a little richer than the notes sample (which has one permission), so that masks
    /// narrow along re-share chains and the search has to merge them.
    /// </summary>
    public static AppRoles Roles { get; } = new(
        ["edit", "comment", "share"],
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["owner-like"] = ["edit", "comment", "share"],
            ["editor"] = ["edit", "comment"],
            ["commenter"] = ["comment"],
            ["viewer"] = [],
        });

    /// <summary>A new account, holding no share of the grain.</summary>
    public Principal NewAccount() => Principal.Account(NewAccountId());

    /// <summary>
    /// The common case: the owner shares with four people and one link; two of the people and the link holder pass
    /// it on (10 shares). Returns the shares and the account at the end of the longest chain, 3 hops away.
    /// </summary>
    public (List<Share> Shares, Principal Visitor) Small()
    {
        var shares = new List<Share>();
        var owner = Principal.Account(OwnerId);
        var direct = new List<Principal>();
        for (var i = 0; i < 4; i++)
        {
            direct.Add(ShareWithNewAccount(shares, owner, RoleAt(i)));
        }

        var link = NewShare(owner, toAccountId: null, "viewer");
        shares.Add(link);
        ShareWithNewAccount(shares, direct[0], "editor");
        ShareWithNewAccount(shares, direct[0], "commenter");
        var second = ShareWithNewAccount(shares, direct[1], "commenter");
        ShareWithNewAccount(shares, link.To, "viewer");
        var visitor = ShareWithNewAccount(shares, second, "viewer");
        return (shares, visitor);
    }

    /// <summary>The owner shares directly with <paramref name="people"/> accounts; returns the one in the middle.</summary>
    public (List<Share> Shares, Principal Visitor) Wide(int people)
    {
        var shares = new List<Share>(people);
        var owner = Principal.Account(OwnerId);
        Principal? middle = null;
        for (var i = 0; i < people; i++)
        {
            var person = ShareWithNewAccount(shares, owner, RoleAt(i));
            if (i == people / 2)
            {
                middle = person;
            }
        }

        return (shares, middle!);
    }

    /// <summary>
    /// Everyone re-shares with <paramref name="fanOut"/> new people, <paramref name="depth"/> levels down from the owner
    /// (fan-out 10, depth 4: 11,110 shares); returns a leaf, <paramref name="depth"/> hops from the owner.
    /// </summary>
    public (List<Share> Shares, Principal Visitor) Tree(int fanOut, int depth)
    {
        var shares = new List<Share>();
        List<Principal> level = [Principal.Account(OwnerId)];
        for (var d = 0; d < depth; d++)
        {
            var next = new List<Principal>(level.Count * fanOut);
            foreach (var maker in level)
            {
                for (var i = 0; i < fanOut; i++)
                {
                    next.Add(ShareWithNewAccount(shares, maker, RoleAt(i)));
                }
            }

            level = next;
        }

        return (shares, level[level.Count / 2]);
    }

    /// <summary>
    /// <paramref name="chains"/> separate chains of <paramref name="length"/> re-shares each, every one starting at the
    /// owner; returns the account at the end of a chain, <paramref name="length"/> hops away.
    /// </summary>
    public (List<Share> Shares, Principal Visitor) Chains(int chains, int length)
    {
        var shares = new List<Share>(chains * length);
        Principal? end = null;
        for (var c = 0; c < chains; c++)
        {
            var at = Principal.Account(OwnerId);
            for (var i = 0; i < length; i++)
            {
                // Editors all the way down, so the visitor at the end still holds something to report.
                at = ShareWithNewAccount(shares, at, i % 2 == 0 ? "owner-like" : "editor");
            }

            if (c == chains / 2)
            {
                end = at;
            }
        }

        return (shares, end!);
    }

    // Mostly viewers and commenters, some editors: the mix a shared document collects.
    private static string RoleAt(int i) => (i % 10) switch
    {
        < 5 => "viewer",
        < 8 => "commenter",
        _ => "editor",
    };

    private Principal ShareWithNewAccount(List<Share> shares, Principal from, string roleId)
    {
        var share = NewShare(from, NewAccountId(), roleId);
        shares.Add(share);
        return share.To;
    }

    private Share NewShare(Principal from, string? toAccountId, string roleId) => new()
    {
        Id = NewHexId(),
        GrainId = GrainId,
        From = from,
        ToAccountId = toAccountId,
        RoleId = roleId,
        CreatedAt = Now.AddDays(-_random.Next(1, 365)),
    };

    private string NewAccountId() => new Guid(NextBytes()).ToString();

    private string NewHexId() => Convert.ToHexStringLower(NextBytes());

    private byte[] NextBytes()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        return bytes;
    }
}
