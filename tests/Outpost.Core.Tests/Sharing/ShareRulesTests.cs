using Outpost.Core.Sharing;
using static Outpost.Core.Tests.Sharing.Grain;

namespace Outpost.Core.Tests.Sharing;

public sealed class ShareRulesTests
{
    [Fact]
    public void CanShare_ViewerSharingEditor_WouldEscalate()
    {
        var result = CanShare([To("ab", Ada, Bob, "viewer")], Bob, "editor");

        Assert.Equal(ShareCheck.WouldEscalate, result);
    }

    [Fact]
    public void CanShare_EditorSharingViewer_IsAllowed()
    {
        var result = CanShare([To("ab", Ada, Bob, "editor")], Bob, "viewer");

        Assert.Equal(ShareCheck.Allowed, result);
    }

    [Fact]
    public void CanShare_SameRoleOnward_IsAllowed()
    {
        var result = CanShare([To("ab", Ada, Bob, "commenter"), To("bc", Bob, Cleo, "commenter")], Cleo, "commenter");

        Assert.Equal(ShareCheck.Allowed, result);
    }

    [Fact]
    public void CanShare_Owner_MayShareAnyRole()
    {
        Assert.Equal(ShareCheck.Allowed, CanShare([], Ada, "editor"));
    }

    [Fact]
    public void CanShare_HolderOfAStoredEditorShareWhoseMakerWasDemoted_WouldEscalate()
    {
        Share[] shares = [To("ab", Ada, Bob, "viewer"), To("bc", Bob, Cleo, "editor")];

        Assert.Equal(ShareCheck.WouldEscalate, CanShare(shares, Cleo, "editor"));
        Assert.Equal(ShareCheck.Allowed, CanShare(shares, Cleo, "viewer"));
    }

    [Fact]
    public void CanShare_AfterUpstreamRevocation_HasNoAccess()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor").Revoked(), To("bc", Bob, Cleo, "editor")];

        Assert.Equal(ShareCheck.NoAccess, CanShare(shares, Cleo, "viewer"));
    }

    [Fact]
    public void CanShare_UndeclaredRole_IsUnknownRole()
    {
        Assert.Equal(ShareCheck.UnknownRole, CanShare([To("ab", Ada, Bob, "editor")], Bob, "admin"));
    }

    [Fact]
    public void CanRevoke_OwnerOrMaker_MayRevokeAndNoOneElse()
    {
        var share = To("bc", Bob, Cleo, "viewer");

        Assert.True(AccessEvaluator.CanRevoke(Owner, share, Ada));
        Assert.True(AccessEvaluator.CanRevoke(Owner, share, Bob));
        Assert.False(AccessEvaluator.CanRevoke(Owner, share, Cleo));
        Assert.False(AccessEvaluator.CanRevoke(Owner, share, Dan));
    }

    [Fact]
    public void CanRevoke_ShareMadeThroughALink_MayBeRevokedByTheLinksHolder()
    {
        var share = To("l1-c", Principal.Link("l1"), Cleo, "viewer");

        Assert.True(AccessEvaluator.CanRevoke(Owner, share, Principal.Link("l1")));
        Assert.False(AccessEvaluator.CanRevoke(Owner, share, Principal.Link("l2")));
    }
}
