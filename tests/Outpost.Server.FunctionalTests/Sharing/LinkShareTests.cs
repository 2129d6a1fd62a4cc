using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Sharing.SharingSteps;

namespace Outpost.Server.FunctionalTests.Sharing;

/// <summary>Secret links against a real server and the notes app: opening, revoking, expiry, sign-in required.</summary>
public sealed class LinkShareTests
{
    [Fact]
    public async Task OpenLink_Anonymous_GetsViewerPermissionsAndNoUserId()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer");
        using var browser = host.Browser();

        var origin = await OpenLinkInAsync(host, link.Url!, browser);
        var who = await WhoAmIAsync(browser, origin);

        Assert.Empty(Permissions(who));
        Assert.Equal(JsonValueKind.Null, who.GetProperty("userId").ValueKind);
        Assert.Equal("Anonymous", who.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task OpenLink_Revoked_IsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "editor");

        await RevokeAsync(host.Api, link.Id);
        using var response = await OpenLinkAsync(host, link.Url!);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OpenLink_PastExpiry_IsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer", expiresIn: "00:00:01");
        var access = await host.Api.GetFromJsonAsync<JsonElement>($"api/grains/{grainId}/access");
        var expiresAt = access.EnumerateArray().Single(e => e.GetProperty("shareId").GetString() == link.Id).GetProperty("expiresAt").GetDateTimeOffset();

        // The server's clock decides; wait until its stated expiry has passed rather than for a guessed duration.
        await Wait.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresAt), TimeSpan.FromSeconds(10), "the link's expiry");
        using var response = await OpenLinkAsync(host, link.Url!);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OpenLink_SignInRequiredAndAnonymous_Returns401()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer", signInRequired: true);
        using var bob = await PersonAsync(host, "Bob");

        using var anonymous = await OpenLinkAsync(host, link.Url!);
        using var signedIn = await OpenLinkAsync(host, link.Url!, bob.Api);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Sign in", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Ensure.SuccessAsync(signedIn);
    }

    [Fact]
    public async Task OpenLink_SignedIn_KeepsTheGrainInTheirListUntilTheLinkIsRevoked()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer", label: "Reading group");
        using var bob = await PersonAsync(host, "Bob");
        using var carol = await PersonAsync(host, "Carol");
        await SharedAsync(host.Api, grainId, "editor", email: carol.Account.Email);

        await Ensure.SuccessAsync(await OpenLinkAsync(host, link.Url!, bob.Api));
        await Ensure.SuccessAsync(await OpenLinkAsync(host, link.Url!, bob.Api));
        await Ensure.SuccessAsync(await OpenLinkAsync(host, link.Url!, carol.Api));
        await Ensure.SuccessAsync(await OpenLinkAsync(host, link.Url!));

        // Bob keeps it once, with the link's role; Carol had access already and anonymous visitors have no list.
        var access = (await host.Api.GetFromJsonAsync<List<Server.Sharing.AccessEntry>>($"api/grains/{grainId}/access"))!;
        var kept = Assert.Single(access, e => e.AccountId == bob.Account.Id);
        Assert.Equal("viewer", kept.Role);
        Assert.Single(access, e => e.AccountId == carol.Account.Id);
        Assert.Equal(4, access.Count); // owner, the link, Carol, Bob
        Assert.Equal([grainId], await SharedWithAsync(host, bob.Account.Id));
        using (var opened = await bob.Api.PostAsync($"api/grains/{grainId}/sessions", null))
        {
            await Ensure.SuccessAsync(opened);
        }

        await RevokeAsync(host.Api, link.Id);

        Assert.Empty(await SharedWithAsync(host, bob.Account.Id));
        using var refused = await bob.Api.PostAsync($"api/grains/{grainId}/sessions", null);
        Assert.False(refused.IsSuccessStatusCode);
        Assert.Equal([grainId], await SharedWithAsync(host, carol.Account.Id));
    }

    [Fact]
    public async Task OpenLink_UnknownToken_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();

        using var response = await OpenLinkAsync(host, $"{host.BaseUrl}shared/{new string('0', 32)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OpenLink_RecordsTheLinkAndTheAccountOnTheSession()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer");
        using var bob = await PersonAsync(host, "Bob");
        using var anonymousBrowser = host.Browser();

        var anonymous = await OpenLinkInAsync(host, link.Url!, anonymousBrowser);
        var signedIn = await OpenLinkInAsync(host, link.Url!, bob.Browser, bob.Api);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var anonymousSession = await db.Sessions.SingleAsync(s => s.Id == anonymous.Host.Split('.')[0]);
        var bobSession = await db.Sessions.SingleAsync(s => s.Id == signedIn.Host.Split('.')[0]);
        Assert.Null(anonymousSession.AccountId);
        Assert.Equal(link.Id, anonymousSession.LinkShareId);
        Assert.Equal(bob.Account.Id, bobSession.AccountId);
        Assert.Equal(link.Id, bobSession.LinkShareId);
    }

    [Fact]
    public async Task OpenSession_LinkExpires_IsRefusedWithinASecond()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer", expiresIn: "00:00:03");
        using var browser = host.Browser();
        var origin = await OpenLinkInAsync(host, link.Url!, browser);
        var access = await host.Api.GetFromJsonAsync<JsonElement>($"api/grains/{grainId}/access");
        var expiresAt = access.EnumerateArray().Single(e => e.GetProperty("shareId").GetString() == link.Id).GetProperty("expiresAt").GetDateTimeOffset();

        // No event announces an expiry: only the cache's one-second age bound makes the open session notice it.
        await Wait.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresAt), TimeSpan.FromSeconds(10), "the link's expiry");
        await Wait.UntilAsync(async () => await WhoAmIStatusAsync(browser, origin) == HttpStatusCode.Forbidden,
            TimeSpan.FromSeconds(1.5), "the open session to be refused after the link expired");
    }

    [Fact]
    public async Task Revoke_OpenWebSocketOfALinkVisitor_IsClosed()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        var link = await SharedAsync(host.Api, grainId, "viewer");
        using var visitor = host.Browser();
        var origin = await OpenLinkInAsync(host, link.Url!, visitor);
        using var socket = await visitor.ConnectWebSocketAsync(origin, "/api/live");
        var receiving = socket.ReceiveAsync(new byte[4096], CancellationToken.None);

        await RevokeAsync(host.Api, link.Id);
        var ended = await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(receiving, ended);
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => receiving);
    }

    private static async Task<List<string>> SharedWithAsync(OutpostHost host, string accountId)
    {
        using var scope = host.Services.CreateScope();
        var grains = await scope.ServiceProvider.GetRequiredService<Server.Grains.GrainManager>().ListSharedWithAsync(accountId, CancellationToken.None);
        return grains.Select(g => g.Id).ToList();
    }
}
