using Outpost.Core.Sharing;

namespace Outpost.Core.Tests.Sharing;

/// <summary>A grain owned by Ada with a notes-like app (viewer ⊂ commenter ⊂ editor), and helpers to build shares on it.</summary>
internal static class Grain
{
    public const string Id = "grain-1";

    public const string Owner = "ada";

    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = T0.AddDays(1);

    public static readonly AppRoles Roles = new(
        ["read", "comment", "edit"],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["viewer"] = ["read"],
            ["commenter"] = ["read", "comment"],
            ["editor"] = ["read", "comment", "edit"],
        });

    public static Principal Ada => Principal.Account(Owner);

    public static Principal Bob => Principal.Account("bob");

    public static Principal Cleo => Principal.Account("cleo");

    public static Principal Dan => Principal.Account("dan");

    /// <summary>A share from <paramref name="from"/> to the account <paramref name="to"/>.</summary>
    public static Share To(string id, Principal from, Principal to, string role) =>
        new() { Id = id, GrainId = Id, From = from, ToAccountId = to.Id, RoleId = role, CreatedAt = T0 };

    /// <summary>A secret-link share made by <paramref name="from"/>.</summary>
    public static Share Link(string id, Principal from, string role) =>
        new() { Id = id, GrainId = Id, From = from, RoleId = role, CreatedAt = T0 };

    public static AccessResult Evaluate(IReadOnlyCollection<Share> shares, Principal who, AppRoles? roles = null, DateTimeOffset? at = null) =>
        AccessEvaluator.Evaluate(Owner, shares, roles ?? Roles, who, at ?? Now);

    public static ShareCheck CanShare(IReadOnlyCollection<Share> shares, Principal maker, string role) =>
        AccessEvaluator.CanShare(Owner, shares, Roles, maker, role, Now);

    public static Share Revoked(this Share share) => share with { RevokedAt = Now.AddMinutes(-1) };
}
