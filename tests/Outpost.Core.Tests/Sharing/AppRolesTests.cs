using Outpost.Core.Sharing;

namespace Outpost.Core.Tests.Sharing;

public sealed class AppRolesTests
{
    [Fact]
    public void Constructor_RoleNamingUndeclaredPermission_Throws()
    {
        var roles = new Dictionary<string, IReadOnlyList<string>> { ["editor"] = ["edit"] };

        var error = Assert.Throws<ArgumentException>(() => new AppRoles(["read"], roles));

        Assert.Contains("'edit'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PermissionDeclaredTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AppRoles(["read", "read"], new Dictionary<string, IReadOnlyList<string>>()));
    }

    [Fact]
    public void Constructor_MoreThan128Permissions_Throws()
    {
        var permissions = Enumerable.Range(0, AppRoles.MaxPermissions + 1).Select(i => $"p{i}");

        Assert.Throws<ArgumentException>(() => new AppRoles(permissions, new Dictionary<string, IReadOnlyList<string>>()));
    }

    [Fact]
    public void Evaluate_Exactly128Permissions_OwnerAndRoleUseTheHighestBit()
    {
        var permissions = Enumerable.Range(0, AppRoles.MaxPermissions).Select(i => $"p{i}").ToArray();
        var roles = new AppRoles(permissions, new Dictionary<string, IReadOnlyList<string>> { ["last"] = ["p127"] });
        Share[] shares = [new() { Id = "s", GrainId = "g", From = Principal.Account("ada"), ToAccountId = "bob", RoleId = "last" }];

        var owner = AccessEvaluator.Evaluate("ada", shares, roles, Principal.Account("ada"), DateTimeOffset.UnixEpoch);
        var bob = AccessEvaluator.Evaluate("ada", shares, roles, Principal.Account("bob"), DateTimeOffset.UnixEpoch);

        Assert.Equal(128, owner.Permissions.Count);
        Assert.Equal(["p127"], bob.Permissions);
    }
}
