namespace Outpost.Core.Sharing;

/// <summary>What kind of party a <see cref="Principal"/> is.</summary>
public enum PrincipalKind
{
    /// <summary>A signed-in account of this server.</summary>
    Account,

    /// <summary>Whoever presents one secret link, signed in or not.</summary>
    Link,
}

/// <summary>A node of the sharing graph: someone who can hold access to a grain and share it onward.</summary>
/// <remarks>
/// A link is a principal of its own rather than a property of the visitor, so that shares made through a link
/// hang off the link share and fall with it, whoever happened to be holding the link at the time.
/// </remarks>
public sealed record Principal
{
    private Principal(PrincipalKind kind, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Kind = kind;
        Id = id;
    }

    /// <summary>Whether this is an account or a link holder.</summary>
    public PrincipalKind Kind { get; }

    /// <summary>The account id, or for a link the id of the share that created it (the secret itself never enters the graph).</summary>
    public string Id { get; }

    /// <summary>The signed-in account <paramref name="accountId"/>.</summary>
    public static Principal Account(string accountId) => new(PrincipalKind.Account, accountId);

    /// <summary>Whoever holds the secret link created by the share <paramref name="shareId"/>.</summary>
    public static Principal Link(string shareId) => new(PrincipalKind.Link, shareId);

    /// <summary>A short form for logs and test output, e.g. <c>account:ada</c> or <c>link:s-17</c>.</summary>
    public override string ToString() => Kind == PrincipalKind.Account ? $"account:{Id}" : $"link:{Id}";
}
