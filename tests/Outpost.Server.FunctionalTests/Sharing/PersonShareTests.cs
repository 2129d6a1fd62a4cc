using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Sharing.SharingSteps;

namespace Outpost.Server.FunctionalTests.Sharing;

/// <summary>Shares to people against a real server and the notes app: roles, re-sharing, revocation of open sessions.</summary>
public sealed class PersonShareTests
{
    [Fact]
    public async Task OpenSession_Viewer_GetsViewerPermissionsEvenWhenForged()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);

        var origin = await OpenAsPersonAsync(bob, grainId);
        var who = await WhoAmIAsync(bob.Browser, origin);

        Assert.Empty(Permissions(who));
        Assert.Equal(bob.Account.Id, who.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task OpenSession_WithoutShare_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");

        using var response = await bob.Api.PostAsync($"api/grains/{grainId}/sessions", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SessionHost_OfAnotherUser_Returns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);
        using var ownerBrowser = host.Browser();
        var ownerOrigin = await ownerBrowser.RedeemAsync((await host.OpenAsync(grainId)).Url);
        var bobOrigin = await OpenAsPersonAsync(bob, grainId);

        // Bob holds access to the grain, but the owner's session host is the owner's: his own cookie does not open it.
        var bobCookie = bob.Browser.Cookies.GetCookies(bobOrigin)[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ownerOrigin, "api/whoami"));
        request.Headers.Add("Cookie", $"{bobCookie.Name}={bobCookie.Value}");
        using var replayed = await host.Browser().Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await WhoAmIStatusAsync(bob.Browser, ownerOrigin));
    }

    [Fact]
    public async Task Reshare_BiggerRole_Returns403AndSameRoleWorks()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        using var carol = await PersonAsync(host, "Carol");
        await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);

        using var escalated = await ShareAsync(bob.Api, grainId, "editor", carol.Account.Email);
        using var same = await ShareAsync(bob.Api, grainId, "viewer", carol.Account.Email);

        Assert.Equal(HttpStatusCode.Forbidden, escalated.StatusCode);
        Assert.Contains("more than you hold", await escalated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, same.StatusCode);
    }

    [Fact]
    public async Task Revoke_BobsShare_CarolsReshareFallsToo()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        using var carol = await PersonAsync(host, "Carol");
        var toBob = await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);
        await SharedAsync(bob.Api, grainId, "viewer", carol.Account.Email);
        var carolOrigin = await OpenAsPersonAsync(carol, grainId);
        Assert.Empty(Permissions(await WhoAmIAsync(carol.Browser, carolOrigin)));

        await RevokeAsync(host.Api, toBob.Id);
        using var reopen = await carol.Api.PostAsync($"api/grains/{grainId}/sessions", null);
        var access = await host.Api.GetFromJsonAsync<JsonElement>($"api/grains/{grainId}/access");

        Assert.Equal(HttpStatusCode.NotFound, reopen.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await WhoAmIStatusAsync(carol.Browser, carolOrigin));
        Assert.Equal(["owner"], access.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Revoke_OpenSession_StopsWorkingWithinASecond()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        var share = await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);
        var origin = await OpenAsPersonAsync(bob, grainId);
        Assert.Equal(["edit"], Permissions(await WhoAmIAsync(bob.Browser, origin)));

        await RevokeAsync(host.Api, share.Id);

        // One second is the promise; the extra half covers a loaded test machine, not the server.
        await Wait.UntilAsync(async () => await WhoAmIStatusAsync(bob.Browser, origin) == HttpStatusCode.Forbidden,
            TimeSpan.FromSeconds(1.5), "Bob's open session to be refused after revocation");
    }

    [Fact]
    public async Task Revoke_ByNeitherOwnerNorMaker_Returns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        using var carol = await PersonAsync(host, "Carol");
        await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);
        var toCarol = await SharedAsync(host.Api, grainId, "viewer", carol.Account.Email);

        using var response = await bob.Api.DeleteAsync($"api/shares/{toCarol.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1.00:00:00")]
    [InlineData("100000.00:00:00")]
    [InlineData("next week")]
    public async Task Share_InvalidExpiry_Returns400(string expiresIn)
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);

        using var response = await ShareAsync(host.Api, grainId, "viewer", expiresIn: expiresIn);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Share_UnknownRoleOrNoAccess_Returns400Or404()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");

        using var unknownRole = await ShareAsync(host.Api, grainId, "admin");
        using var stranger = await ShareAsync(bob.Api, grainId, "viewer");

        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
    }

    [Fact]
    public async Task Access_AsViewer_ListsOwnerPeopleAndLinksWithWhoAddedThem()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        var toBob = await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);
        using var linkResponse = await host.Api.PostAsJsonAsync($"api/grains/{grainId}/shares", new { role = "editor", label = "team" });
        await Ensure.SuccessAsync(linkResponse);

        var access = (await bob.Api.GetFromJsonAsync<JsonElement>($"api/grains/{grainId}/access")).EnumerateArray().ToList();

        Assert.Equal(["owner", "person", "link"], access.Select(e => e.GetProperty("kind").GetString()));
        var bobEntry = access.Single(e => e.GetProperty("shareId").GetString() == toBob.Id);
        Assert.Equal("Bob", bobEntry.GetProperty("name").GetString());
        Assert.Equal("viewer", bobEntry.GetProperty("role").GetString());
        Assert.Equal(access[0].GetProperty("name").GetString(), bobEntry.GetProperty("addedBy").GetString());
        Assert.Equal("team", access[2].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Revoke_OpenSession_NextRequestIsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        var share = await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);
        var origin = await OpenAsPersonAsync(bob, grainId);
        Assert.Equal(["edit"], Permissions(await WhoAmIAsync(bob.Browser, origin)));

        // Revoking clears this node's cache at once, so no wait at all: the very next request is refused.
        await RevokeAsync(host.Api, share.Id);

        Assert.Equal(HttpStatusCode.Forbidden, await WhoAmIStatusAsync(bob.Browser, origin));
    }

    [Fact]
    public async Task ChangeRole_ByOwner_AppliesToTheOpenSessionWithinASecond()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        var share = await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);
        var origin = await OpenAsPersonAsync(bob, grainId);
        Assert.Empty(Permissions(await WhoAmIAsync(bob.Browser, origin)));

        using var changed = await host.Api.PatchAsJsonAsync($"api/shares/{share.Id}", new { role = "editor" });
        await Ensure.SuccessAsync(changed);
        string[] permissions = [];
        await Wait.UntilAsync(async () => (permissions = Permissions(await WhoAmIAsync(bob.Browser, origin))).Length > 0, TimeSpan.FromSeconds(5), "the new role to apply");

        Assert.Equal(["edit"], permissions);
    }

    [Fact]
    public async Task ChangeRole_ByTheRecipientOrUpwardsByAViewer_IsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        using var carol = await PersonAsync(host, "Carol");
        var toBob = await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);
        var toCarol = await SharedAsync(bob.Api, grainId, "viewer", carol.Account.Email);

        using var ownPromotion = await bob.Api.PatchAsJsonAsync($"api/shares/{toBob.Id}", new { role = "editor" });
        using var escalation = await bob.Api.PatchAsJsonAsync($"api/shares/{toCarol.Id}", new { role = "editor" });
        using var unknown = await host.Api.PatchAsJsonAsync($"api/shares/{toCarol.Id}", new { role = "superuser" });
        using var stranger = await carol.Api.PatchAsJsonAsync($"api/shares/{toBob.Id}", new { role = "viewer" });

        Assert.Equal(HttpStatusCode.Forbidden, ownPromotion.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, escalation.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
    }

    [Fact]
    public async Task Share_ByName_FindsThePersonAndAnUnknownNameSaysToUseTheEmail()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob Example");

        await SharedAsync(host.Api, grainId, "viewer", "bob example");
        using var unknown = await ShareAsync(host.Api, grainId, "viewer", "Nobody Here");
        var origin = await OpenAsPersonAsync(bob, grainId);

        Assert.Equal(bob.Account.Id, (await WhoAmIAsync(bob.Browser, origin)).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Try their email address", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
