using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
    public async Task OpenLink_UnknownToken_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();

        using var response = await OpenLinkAsync(host, $"{host.BaseUrl}shared/{new string('0', 32)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
