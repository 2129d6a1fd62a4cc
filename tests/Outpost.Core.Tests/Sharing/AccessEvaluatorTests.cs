using Outpost.Core.Sharing;
using static Outpost.Core.Tests.Sharing.Grain;

namespace Outpost.Core.Tests.Sharing;

public sealed class AccessEvaluatorTests
{
    [Fact]
    public void Evaluate_OwnerWithoutShares_HoldsEveryPermission()
    {
        var access = Evaluate([], Ada);

        Assert.True(access.HasAccess);
        Assert.True(access.IsOwner);
        Assert.Equal(["read", "comment", "edit"], access.Permissions);
        Assert.Empty(access.Grants);
    }

    [Fact]
    public void Evaluate_OwnerSharedALesserRoleWithThemselves_StillHoldsEveryPermission()
    {
        Share[] shares = [To("s1", Ada, Bob, "editor"), To("s2", Bob, Ada, "viewer")];

        var access = Evaluate(shares, Ada);

        Assert.True(access.IsOwner);
        Assert.Equal(["read", "comment", "edit"], access.Permissions);
    }

    [Fact]
    public void Evaluate_NoShareToThem_HasNoAccess()
    {
        var access = Evaluate([To("s1", Ada, Bob, "editor")], Cleo);

        Assert.Same(AccessResult.None, access);
        Assert.Empty(access.Permissions);
    }

    [Fact]
    public void Evaluate_DirectShare_GrantsTheRolesPermissionsThroughThatShare()
    {
        var share = To("s1", Ada, Bob, "commenter");

        var access = Evaluate([share], Bob);

        Assert.True(access.HasAccess);
        Assert.False(access.IsOwner);
        Assert.Equal(["read", "comment"], access.Permissions);
        Assert.Equal(["commenter"], access.Roles);
        var grant = Assert.Single(access.Grants);
        Assert.Same(share, grant.Share);
        Assert.Equal([share], grant.Path);
    }

    [Fact]
    public void Evaluate_RoleWithNoPermissions_StillGrantsAccess()
    {
        var roles = new AppRoles(["edit"], new Dictionary<string, IReadOnlyList<string>> { ["viewer"] = [], ["editor"] = ["edit"] });

        var access = Evaluate([To("s1", Ada, Bob, "viewer")], Bob, roles);

        Assert.True(access.HasAccess);
        Assert.Empty(access.Permissions);
        Assert.Equal(["viewer"], access.Roles);
    }

    [Fact]
    public void Evaluate_ReShare_GrantsThroughTheChain()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor"), To("bc", Bob, Cleo, "viewer")];

        var access = Evaluate(shares, Cleo);

        Assert.Equal(["read"], access.Permissions);
        Assert.Equal(["ab", "bc"], Assert.Single(access.Grants).Path.Select(s => s.Id));
    }

    [Fact]
    public void Evaluate_LongerChain_CarriesTheNarrowestRoleOnward()
    {
        Share[] shares = [To("ab", Ada, Bob, "viewer"), To("bc", Bob, Cleo, "editor"), To("cd", Cleo, Dan, "editor")];

        var access = Evaluate(shares, Dan);

        Assert.Equal(["read"], access.Permissions);
    }

    [Fact]
    public void Evaluate_UpstreamShareRevoked_RemovesEveryoneDownstream()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor").Revoked(), To("bc", Bob, Cleo, "editor"), To("cd", Cleo, Dan, "viewer")];

        Assert.False(Evaluate(shares, Bob).HasAccess);
        Assert.False(Evaluate(shares, Cleo).HasAccess);
        Assert.False(Evaluate(shares, Dan).HasAccess);
    }

    [Fact]
    public void Evaluate_SecondIndependentPath_KeepsAccessAfterRevocation()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor").Revoked(), To("bc", Bob, Cleo, "editor"), To("ac", Ada, Cleo, "commenter"), To("cd", Cleo, Dan, "viewer")];

        var cleo = Evaluate(shares, Cleo);
        var dan = Evaluate(shares, Dan);

        Assert.Equal(["read", "comment"], cleo.Permissions);
        Assert.Equal(["ac"], Assert.Single(cleo.Grants).Path.Select(s => s.Id));
        Assert.Equal(["read"], dan.Permissions);
        Assert.Equal(["ac", "cd"], Assert.Single(dan.Grants).Path.Select(s => s.Id));
    }

    [Fact]
    public void Evaluate_TwoPaths_ReportsBothGrantingShares()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor"), To("bc", Bob, Cleo, "viewer"), To("ac", Ada, Cleo, "commenter")];

        var access = Evaluate(shares, Cleo);

        Assert.Equal(["bc", "ac"], access.Grants.Select(g => g.Share.Id));
        Assert.Equal(["viewer", "commenter"], access.Roles);
        Assert.Equal(["read", "comment"], access.Permissions);
    }

    [Fact]
    public void Evaluate_TwoChains_HoldsTheUnionOfEachChainsIntersection()
    {
        var roles = new AppRoles(["read", "edit"], new Dictionary<string, IReadOnlyList<string>>
        {
            ["reader"] = ["read"],
            ["writer"] = ["edit"],
            ["both"] = ["read", "edit"],
        });
        Share[] shares = [To("ab", Ada, Bob, "both"), To("bc", Bob, Cleo, "reader"), To("ad", Ada, Dan, "writer"), To("dc", Dan, Cleo, "both")];

        var access = Evaluate(shares, Cleo, roles);

        Assert.Equal(["read", "edit"], access.Permissions);
        Assert.Equal(["edit"], access.Grants.Single(g => g.Share.Id == "dc").Permissions);
    }

    [Fact]
    public void Evaluate_StoredShareAboveWhatItsMakerNowHolds_IsCutToTheMakersPermissions()
    {
        // Bob was an editor when he shared "editor" with Cleo; the owner has since made him a viewer.
        Share[] shares = [To("ab", Ada, Bob, "viewer"), To("bc", Bob, Cleo, "editor")];

        var access = Evaluate(shares, Cleo);

        Assert.Equal(["read"], access.Permissions);
        Assert.Equal(["editor"], access.Roles);
    }

    [Fact]
    public void Evaluate_ShareAtItsExpiry_GrantsNothingFromThatInstant()
    {
        var expires = Now.AddHours(1);
        Share[] shares = [To("ab", Ada, Bob, "editor") with { ExpiresAt = expires }, To("bc", Bob, Cleo, "viewer")];

        Assert.True(Evaluate(shares, Cleo, at: expires.AddTicks(-1)).HasAccess);
        Assert.False(Evaluate(shares, Cleo, at: expires).HasAccess);
        Assert.False(Evaluate(shares, Bob, at: expires).HasAccess);
    }

    [Fact]
    public void Evaluate_RevokedShare_GrantedAccessBeforeTheRevocation()
    {
        var revoked = Now.AddHours(1);
        Share[] shares = [To("ab", Ada, Bob, "editor") with { RevokedAt = revoked }];

        Assert.True(Evaluate(shares, Bob, at: revoked.AddTicks(-1)).HasAccess);
        Assert.False(Evaluate(shares, Bob, at: revoked).HasAccess);
    }

    [Fact]
    public void Evaluate_BeforeTheShareWasMade_GrantsNothing()
    {
        var access = Evaluate([To("ab", Ada, Bob, "editor")], Bob, at: T0.AddTicks(-1));

        Assert.False(access.HasAccess);
    }

    [Fact]
    public void Evaluate_RoleRedefinedByAppUpdate_ChangesExistingShares()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor"), To("bc", Bob, Cleo, "viewer")];
        var updated = new AppRoles(["read", "comment", "edit"], new Dictionary<string, IReadOnlyList<string>>
        {
            ["viewer"] = ["read", "comment"],
            ["editor"] = ["read", "edit"],
        });

        Assert.Equal(["read"], Evaluate(shares, Cleo).Permissions);
        Assert.Equal(["read"], Evaluate(shares, Cleo, updated).Permissions);
        Assert.Equal(["read", "edit"], Evaluate(shares, Bob, updated).Permissions);
        Assert.Equal(["read", "comment"], Evaluate([To("ac", Ada, Cleo, "viewer")], Cleo, updated).Permissions);
    }

    [Fact]
    public void Evaluate_RoleDroppedByAppUpdate_GrantsNothingDownstream()
    {
        Share[] shares = [To("ab", Ada, Bob, "commenter"), To("bc", Bob, Cleo, "viewer")];
        var updated = new AppRoles(["read", "edit"], new Dictionary<string, IReadOnlyList<string>> { ["viewer"] = ["read"], ["editor"] = ["read", "edit"] });

        Assert.False(Evaluate(shares, Bob, updated).HasAccess);
        Assert.False(Evaluate(shares, Cleo, updated).HasAccess);
    }

    [Fact]
    public void Evaluate_CycleBetweenReSharers_Terminates()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor"), To("bc", Bob, Cleo, "editor"), To("cb", Cleo, Bob, "editor"), To("ca", Cleo, Ada, "viewer")];

        var access = Evaluate(shares, Cleo);

        Assert.Equal(["read", "comment", "edit"], access.Permissions);
    }

    [Fact]
    public void Evaluate_CycleNotRootedAtOwner_GrantsNothing()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor").Revoked(), To("bc", Bob, Cleo, "editor"), To("cb", Cleo, Bob, "editor")];

        Assert.False(Evaluate(shares, Bob).HasAccess);
        Assert.False(Evaluate(shares, Cleo).HasAccess);
    }

    [Fact]
    public void Evaluate_ShareBackFromSomeoneTheyGaveAccess_IsNotAGrant()
    {
        Share[] shares = [To("ac", Ada, Cleo, "editor"), To("cb", Cleo, Bob, "editor"), To("bc", Bob, Cleo, "editor")];

        var access = Evaluate(shares, Cleo);
        var afterRevoke = Evaluate([shares[0].Revoked(), shares[1], shares[2]], Cleo);

        Assert.Equal(["ac"], access.Grants.Select(g => g.Share.Id));
        Assert.False(afterRevoke.HasAccess);
    }
}
