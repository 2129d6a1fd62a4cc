using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Proxy;

/// <summary>The session-host router in front of a real grain running the sample notes app.</summary>
public sealed class SessionRoutingTests
{
    [Fact]
    public async Task Session_AfterTicket_ServesTheAppWithTrustedIdentityHeaders()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, origin, browser) = await OpenNotesAsync(host);
        using var _ = browser;

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(origin, "api/whoami"));
        request.Headers.Add("X-Outpost-User-Id", "mallory");
        request.Headers.Add("X-Outpost-Permissions", "forged");
        request.Headers.Add("x-outpost-user-name", "Mallory");
        request.Headers.Add("X-Outpost-Session-Id", "forged");
        using var response = await browser.Http.SendAsync(request);
        await Ensure.SuccessAsync(response);
        var who = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("admin", who.GetProperty("userId").GetString());
        Assert.Equal("Admin", who.GetProperty("userName").GetString());
        Assert.Equal(new[] { "edit" }, who.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Equal(origin.Host.Split('.')[0], who.GetProperty("sessionId").GetString());
        Assert.NotEqual(grainId, who.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task SessionHost_WithoutCookie_Returns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var (_, origin, browser) = await OpenNotesAsync(host);
        browser.Dispose();

        using var stranger = host.Browser();
        using var response = await stranger.Http.GetAsync(new Uri(origin, "api/whoami"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SessionHost_WithAnotherSessionsCookie_Returns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, originA, browserA) = await OpenNotesAsync(host);
        using var _ = browserA;
        var second = await host.OpenAsync(grainId);
        var originB = new Uri(new Uri(second.Url).GetLeftPart(UriPartial.Authority) + "/");

        // Replay A's cookie on B's host: cookies are per session, so this must not open B.
        var cookieA = browserA.Cookies.GetCookies(originA)[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(originB, "api/whoami"));
        request.Headers.Add("Cookie", $"{cookieA.Name}={cookieA.Value}");
        using var stranger = host.Browser();
        using var response = await stranger.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Ticket_UsedTwice_SecondUseReturns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        using var first = host.Browser();
        await first.RedeemAsync(session.Url);

        using var second = host.Browser();
        using var response = await second.Http.GetAsync(session.Url);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("already used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_Wrong_Returns403AndSetsNoCookie()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        var forged = session.Url[..session.Url.IndexOf("ticket=", StringComparison.Ordinal)] + "ticket=" + new string('0', 32);

        using var browser = host.Browser();
        using var response = await browser.Http.GetAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task CrossOriginPost_IsRefusedButSameOriginPostWorks()
    {
        await using var host = await OutpostHost.StartAsync();
        var (_, origin, browser) = await OpenNotesAsync(host);
        using var _ = browser;

        using var evil = new HttpRequestMessage(HttpMethod.Post, new Uri(origin, "api/notes")) { Content = JsonContent.Create(new { title = "evil", body = "x" }) };
        evil.Headers.Add("Origin", "http://evil.example");
        using var refused = await browser.Http.SendAsync(evil);

        using var good = new HttpRequestMessage(HttpMethod.Post, new Uri(origin, "api/notes")) { Content = JsonContent.Create(new { title = "mine", body = "x" }) };
        good.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        using var accepted = await browser.Http.SendAsync(good);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await Ensure.SuccessAsync(accepted);
    }

    [Fact]
    public async Task SessionCookie_IsHostOnlyAndHttpOnly()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        using var browser = host.Browser();
        using var redeem = await browser.Http.GetAsync(session.Url);
        var setCookie = Assert.Single(redeem.Headers.GetValues("Set-Cookie"));

        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/", redeem.Headers.Location?.ToString());
    }

    internal static async Task<(string GrainId, Uri Origin, BrowserClient Browser)> OpenNotesAsync(OutpostHost host)
    {
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        return await OpenNewGrainAsync(host, app.AppId);
    }

    /// <summary>Creates a grain of an installed app and opens a session on it in a new browser.</summary>
    internal static async Task<(string GrainId, Uri Origin, BrowserClient Browser)> OpenNewGrainAsync(OutpostHost host, string appId)
    {
        var grain = await host.NewGrainAsync(appId, "Test notes");
        var session = await host.OpenAsync(grain.Id);
        var browser = host.Browser();
        var origin = await browser.RedeemAsync(session.Url);
        return (grain.Id, origin, browser);
    }
}
