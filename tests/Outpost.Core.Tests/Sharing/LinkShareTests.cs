using Outpost.Core.Sharing;
using static Outpost.Core.Tests.Sharing.Grain;

namespace Outpost.Core.Tests.Sharing;

public sealed class LinkShareTests
{
    [Fact]
    public void Evaluate_AnonymousLinkHolder_GetsTheLinksRole()
    {
        var link = Link("l1", Ada, "commenter");

        var access = Evaluate([link], Principal.Link("l1"));

        Assert.Equal(["read", "comment"], access.Permissions);
        Assert.Same(link, Assert.Single(access.Grants).Share);
    }

    [Fact]
    public void Evaluate_RevokedLink_GrantsNothing()
    {
        var access = Evaluate([Link("l1", Ada, "editor").Revoked()], Principal.Link("l1"));

        Assert.False(access.HasAccess);
    }

    [Fact]
    public void Evaluate_LinkPastExpiry_GrantsNothing()
    {
        var access = Evaluate([Link("l1", Ada, "editor") with { ExpiresAt = Now }], Principal.Link("l1"));

        Assert.False(access.HasAccess);
    }

    [Fact]
    public void Evaluate_LinkNamingAnAccountShare_GrantsNothing()
    {
        // A link principal is only ever the recipient of a link share; it cannot claim Bob's share by its id.
        var access = Evaluate([To("ab", Ada, Bob, "editor")], Principal.Link("ab"));

        Assert.False(access.HasAccess);
    }

    [Fact]
    public void Evaluate_LinkMadeByReSharer_FallsWithTheMakersAccess()
    {
        Share[] shares = [To("ab", Ada, Bob, "editor").Revoked(), Link("l1", Bob, "viewer")];

        Assert.False(Evaluate(shares, Principal.Link("l1")).HasAccess);
    }

    [Fact]
    public void Evaluate_ShareMadeThroughALinkBySignedInHolder_HangsOffTheLink()
    {
        // Bob opened the link signed in and shared onward; the share is the link's, not his account's.
        var link = Link("l1", Ada, "commenter");
        var onward = To("l1-c", Principal.Link("l1"), Cleo, "viewer");

        var before = Evaluate([link, onward], Cleo);
        var after = Evaluate([link.Revoked(), onward], Cleo);

        Assert.Equal(["read"], before.Permissions);
        Assert.Equal(["l1", "l1-c"], Assert.Single(before.Grants).Path.Select(s => s.Id));
        Assert.False(after.HasAccess);
    }

    [Fact]
    public void Evaluate_SignedInAccountPresentingALink_HoldsBoth()
    {
        Share[] shares = [To("ab", Ada, Bob, "viewer"), Link("l1", Ada, "editor")];

        var access = AccessEvaluator.Evaluate(Owner, shares, Roles, [Bob, Principal.Link("l1")], Now);

        Assert.Equal(["read", "comment", "edit"], access.Permissions);
        Assert.Equal(["ab", "l1"], access.Grants.Select(g => g.Share.Id));
    }

    [Fact]
    public void CanShare_LinkHolderAskingForMoreThanTheLink_WouldEscalate()
    {
        Share[] shares = [Link("l1", Ada, "viewer")];

        Assert.Equal(ShareCheck.WouldEscalate, CanShare(shares, Principal.Link("l1"), "editor"));
        Assert.Equal(ShareCheck.Allowed, CanShare(shares, Principal.Link("l1"), "viewer"));
    }
}
