using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Data.Accounts;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;
using Outpost.Server.Sharing;

namespace Outpost.Server.FunctionalTests.Sharing;

/// <summary>A person of the test: their account, an API client and a browser (cookie jar) for session hosts.</summary>
internal sealed record TestPerson(TestAccount Account, HttpClient Api, BrowserClient Browser) : IDisposable
{
    public void Dispose()
    {
        Api.Dispose();
        Browser.Dispose();
    }
}

/// <summary>What the sharing tests do over and over, through the same HTTP API a client would use.</summary>
internal static class SharingSteps
{
    /// <summary>A notes grain owned by the admin (the host's API client).</summary>
    public static async Task<string> NotesGrainAsync(OutpostHost host)
    {
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        return (await host.NewGrainAsync(app.AppId, "Shared notes")).Id;
    }

    public static async Task<TestPerson> PersonAsync(OutpostHost host, string name)
    {
        var account = await TestAccounts.InviteAsync(host, AccountRole.User, name);
        return new TestPerson(account, await TestAccounts.ApiAsync(host, account), host.Browser());
    }

    public static Task<HttpResponseMessage> ShareAsync(
        HttpClient api, string grainId, string role, string? email = null, string? expiresIn = null, bool signInRequired = false, string? label = null) =>
        api.PostAsJsonAsync($"api/grains/{grainId}/shares", new { role, person = email, expiresIn, signInRequired, label });

    /// <summary>Shares and expects success; returns the share (with its link url for a link).</summary>
    public static async Task<ShareCreated> SharedAsync(
        HttpClient api, string grainId, string role, string? email = null, string? expiresIn = null, bool signInRequired = false, string? label = null)
    {
        using var response = await ShareAsync(api, grainId, role, email, expiresIn, signInRequired, label);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<ShareCreated>())!;
    }

    public static async Task RevokeAsync(HttpClient api, string shareId)
    {
        using var response = await api.DeleteAsync($"api/shares/{shareId}");
        await Ensure.SuccessAsync(response);
    }

    /// <summary>Presents a link's token, as the shell's /shared page will, with or without an API client's identity.</summary>
    public static async Task<HttpResponseMessage> OpenLinkAsync(OutpostHost host, string linkUrl, HttpClient? api = null)
    {
        var token = linkUrl[(linkUrl.LastIndexOf('/') + 1)..];
        using var anonymous = api is null ? new HttpClient { BaseAddress = host.BaseUrl } : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, "api/shares/open")) { Content = JsonContent.Create(new { token }) };
        request.Headers.Add("Origin", host.BaseUrl.GetLeftPart(UriPartial.Authority));
        return await (api ?? anonymous!).SendAsync(request);
    }

    /// <summary>Opens a session through a link and redeems it in <paramref name="browser"/>; returns the session origin.</summary>
    public static async Task<Uri> OpenLinkInAsync(OutpostHost host, string linkUrl, BrowserClient browser, HttpClient? api = null)
    {
        using var response = await OpenLinkAsync(host, linkUrl, api);
        await Ensure.SuccessAsync(response);
        var session = (await response.Content.ReadFromJsonAsync<SessionCreated>())!;
        return await browser.RedeemAsync(session.Url);
    }

    /// <summary>Opens the grain as <paramref name="person"/> (who holds a share) in their browser; returns the session origin.</summary>
    public static async Task<Uri> OpenAsPersonAsync(TestPerson person, string grainId)
    {
        using var response = await person.Api.PostAsync($"api/grains/{grainId}/sessions", null);
        await Ensure.SuccessAsync(response);
        var session = (await response.Content.ReadFromJsonAsync<SessionCreated>())!;
        return await person.Browser.RedeemAsync(session.Url);
    }

    /// <summary>The notes app's echo of the identity headers it received.</summary>
    public static async Task<JsonElement> WhoAmIAsync(BrowserClient browser, Uri origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(origin, "api/whoami"));
        request.Headers.Add("X-Outpost-Permissions", "edit"); // forged: the router must replace it
        using var response = await browser.Http.SendAsync(request);
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string[] Permissions(JsonElement who) => [.. who.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!)];

    public static async Task<HttpStatusCode> WhoAmIStatusAsync(BrowserClient browser, Uri origin)
    {
        using var response = await browser.Http.GetAsync(new Uri(origin, "api/whoami"));
        return response.StatusCode;
    }
}
