using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Outpost.Data.Accounts;
using Outpost.Server.Accounts;
using Outpost.Server.Apps;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;

namespace Outpost.Server.FunctionalTests.Accounts;

/// <summary>
/// Roles and ownership enforced by the server itself, over plain HTTP: what a page hides must also be refused when
/// asked for directly. Cookies come from the real sign-in form; tokens from stored hashes like the admin token's.
/// </summary>
public sealed class AccessTests
{
    private static readonly string[] AdminPages = ["admin", "admin/users", "admin/apps", "admin/catalogs", "admin/grains", "admin/settings"];

    [Fact]
    public async Task InstallApp_AsVisitorWithToken_Returns403AndInstallsNothing()
    {
        await using var host = await OutpostHost.StartAsync();
        var visitor = await TestAccounts.InviteAsync(host, AccountRole.Visitor, "Vic");
        using var api = await TestAccounts.ApiAsync(host, visitor);

        using var response = await PostPackageAsync(api, (await SamplePackages.NotesAsync()).File);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty((await host.Api.GetFromJsonAsync<List<AppSummary>>("api/apps"))!);
    }

    [Fact]
    public async Task InstallApp_AsVisitorSignedIn_Returns403AndInstallsNothing()
    {
        await using var host = await OutpostHost.StartAsync();
        var visitor = await TestAccounts.InviteAsync(host, AccountRole.Visitor, "Vic");
        using var browser = await TestAccounts.SignInAsync(host, visitor);

        // Same-origin, as the Apps page would send it: only the role may stop it.
        using var content = new StreamContent(File.OpenRead((await SamplePackages.NotesAsync()).File));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, "api/apps")) { Content = content };
        request.Headers.Add("Origin", host.BaseUrl.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        request.Headers.ExpectContinue = true; // a refusal comes before the body; don't fail on the unread upload
        using var response = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty((await host.Api.GetFromJsonAsync<List<AppSummary>>("api/apps"))!);
    }

    [Fact]
    public async Task CreateGrain_AsVisitor_Returns403AndCreatesNothing()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var visitor = await TestAccounts.InviteAsync(host, AccountRole.Visitor, "Vic");
        using var api = await TestAccounts.ApiAsync(host, visitor);

        using var response = await api.PostAsJsonAsync("api/grains", new CreateGrainRequest { AppId = app.AppId });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty((await host.Api.GetFromJsonAsync<List<GrainSummary>>("api/admin/grains"))!);
    }

    [Fact]
    public async Task AdminPages_AsSignedInUser_AreForbidden()
    {
        await using var host = await OutpostHost.StartAsync();
        var user = await TestAccounts.InviteAsync(host, AccountRole.User, "Bea");
        using var browser = await TestAccounts.SignInAsync(host, user);

        foreach (var page in AdminPages)
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, page));
            AssertDenied(host, response, page);
        }
    }

    [Fact]
    public async Task AdminPages_AsSignedInAdmin_Return200()
    {
        await using var host = await OutpostHost.StartAsync();
        var admin = await TestAccounts.SetUpAdminAsync(host);
        using var browser = await TestAccounts.SignInAsync(host, admin);

        foreach (var page in AdminPages)
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, page));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/{page} answered {(int)response.StatusCode} to the admin.");
        }
    }

    [Fact]
    public async Task AdminApis_AsUserWithToken_Return403()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var user = await TestAccounts.InviteAsync(host, AccountRole.User, "Bea");
        using var api = await TestAccounts.ApiAsync(host, user);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["GET /api/users"] = await api.GetAsync("api/users"),
            ["GET /api/admin/grains"] = await api.GetAsync("api/admin/grains"),
            ["POST /api/users/invitations"] = await api.PostAsJsonAsync("api/users/invitations", new { role = "Admin" }),
            ["PATCH /api/users/{self}"] = await api.PatchAsJsonAsync($"api/users/{user.Id}", new { role = "Admin" }),
            ["GET /api/settings"] = await api.GetAsync("api/settings"),
            ["PUT /api/settings/SignUp"] = await api.PutAsJsonAsync("api/settings/SignUp", new { value = "open" }),
            ["DELETE /api/apps/{id}"] = await api.DeleteAsync($"api/apps/{app.AppId}"),
        };

        foreach (var (call, response) in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{call} answered {(int)response.StatusCode} to a user.");
            response.Dispose();
        }

        var self = (await host.Api.GetFromJsonAsync<List<AccountSummary>>("api/users"))!.Single(a => a.Id == user.Id);
        Assert.Equal(AccountRole.User, self.Role);
    }

    [Fact]
    public async Task AdminApis_AsSignedInUser_Return403()
    {
        await using var host = await OutpostHost.StartAsync();
        var user = await TestAccounts.InviteAsync(host, AccountRole.User, "Bea");
        using var browser = await TestAccounts.SignInAsync(host, user);

        foreach (var path in new[] { "api/users", "api/admin/grains", "api/settings" })
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, path));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET /{path} answered {(int)response.StatusCode} to a signed-in user.");
        }
    }

    [Fact]
    public async Task OthersGrain_AsAnotherUser_IsNotFoundForEveryOperationAndUnchanged()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var alice = await TestAccounts.InviteAsync(host, AccountRole.User, "Alice");
        var bob = await TestAccounts.InviteAsync(host, AccountRole.User, "Bob");
        using var aliceApi = await TestAccounts.ApiAsync(host, alice);
        using var bobApi = await TestAccounts.ApiAsync(host, bob);
        var grain = await CreateGrainAsync(aliceApi, app.AppId, "Alice's diary");

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["GET"] = await bobApi.GetAsync($"api/grains/{grain.Id}"),
            ["open"] = await bobApi.PostAsync($"api/grains/{grain.Id}/sessions", null),
            ["rename"] = await bobApi.PatchAsJsonAsync($"api/grains/{grain.Id}", new UpdateGrainRequest { Title = "Bob's now" }),
            ["trash"] = await bobApi.PostAsync($"api/grains/{grain.Id}/trash", null),
            ["restore"] = await bobApi.PostAsync($"api/grains/{grain.Id}/restore", null),
            ["stop"] = await bobApi.PostAsync($"api/grains/{grain.Id}/stop", null),
            ["logs"] = await bobApi.GetAsync($"api/grains/{grain.Id}/logs"),
            ["delete"] = await bobApi.DeleteAsync($"api/grains/{grain.Id}"),
        };

        foreach (var (operation, response) in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{operation} on another user's grain answered {(int)response.StatusCode}.");
            response.Dispose();
        }

        Assert.DoesNotContain((await bobApi.GetFromJsonAsync<List<GrainSummary>>("api/grains"))!, g => g.Id == grain.Id);
        Assert.DoesNotContain((await bobApi.GetFromJsonAsync<List<GrainSummary>>("api/grains?trash=true"))!, g => g.Id == grain.Id);
        var after = (await aliceApi.GetFromJsonAsync<GrainSummary>($"api/grains/{grain.Id}"))!;
        Assert.Equal("Alice's diary", after.Title);
        Assert.Null(after.TrashedAt);
    }

    [Fact]
    public async Task GrainPages_OfAnotherUsersGrain_Return404WithoutASession()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var admin = await TestAccounts.SetUpAdminAsync(host);
        var alice = await TestAccounts.InviteAsync(host, AccountRole.User, "Alice");
        var bob = await TestAccounts.InviteAsync(host, AccountRole.User, "Bob");
        using var aliceApi = await TestAccounts.ApiAsync(host, alice);
        var grain = await CreateGrainAsync(aliceApi, app.AppId, "Alice's diary");
        using var bobBrowser = await TestAccounts.SignInAsync(host, bob);
        using var adminBrowser = await TestAccounts.SignInAsync(host, admin);
        using var aliceBrowser = await TestAccounts.SignInAsync(host, alice);

        // Admins may read a grain's log (as over the API) but never open the grain itself.
        var refused = new[]
        {
            ("another user", bobBrowser, $"grains/{grain.Id}"),
            ("another user", bobBrowser, $"grains/{grain.Id}/logs"),
            ("the admin", adminBrowser, $"grains/{grain.Id}"),
        };
        foreach (var (who, browser, page) in refused)
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, page));
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"/{page} answered {(int)response.StatusCode} to {who}.");
            Assert.DoesNotContain("/_outpost/open", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Alice's diary", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }

        // The owner, same request: the page frames a fresh session link.
        using var own = await aliceBrowser.Http.GetAsync(new Uri(host.BaseUrl, $"grains/{grain.Id}"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("/_outpost/open", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionHost_OfAnotherUsersGrain_RefusesTheirOwnSessionCookieAndToken()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var alice = await TestAccounts.InviteAsync(host, AccountRole.User, "Alice");
        var bob = await TestAccounts.InviteAsync(host, AccountRole.User, "Bob");
        using var aliceApi = await TestAccounts.ApiAsync(host, alice);
        using var bobApi = await TestAccounts.ApiAsync(host, bob);
        var (aliceOrigin, aliceBrowser) = await OpenAsync(host, aliceApi, (await CreateGrainAsync(aliceApi, app.AppId, "Alice's")).Id);
        using var _ = aliceBrowser;
        using var bobBrowser = host.Browser();
        var bobOrigin = await bobBrowser.RedeemAsync((await OpenSessionAsync(bobApi, (await CreateGrainAsync(bobApi, app.AppId, "Bob's")).Id)).Url);

        // Bob carries everything he legitimately has: his own session cookie and his API token.
        var bobCookie = bobBrowser.Cookies.GetCookies(bobOrigin).Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(aliceOrigin, "api/notes"));
        request.Headers.Add("Cookie", $"{bobCookie.Name}={bobCookie.Value}");
        request.Headers.Authorization = bobApi.DefaultRequestHeaders.Authorization;
        using var response = await bobBrowser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var own = await aliceBrowser.Http.GetAsync(new Uri(aliceOrigin, "api/notes"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task OpenSession_AdminOnUsersGrain_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var alice = await TestAccounts.InviteAsync(host, AccountRole.User, "Alice");
        using var aliceApi = await TestAccounts.ApiAsync(host, alice);
        var grain = await CreateGrainAsync(aliceApi, app.AppId, "Alice's diary");

        using var asAdmin = await host.Api.PostAsync($"api/grains/{grain.Id}/sessions", null);
        using var asOwner = await aliceApi.PostAsync($"api/grains/{grain.Id}/sessions", null);

        Assert.Equal(HttpStatusCode.NotFound, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
    }

    private static void AssertDenied(OutpostHost host, HttpResponseMessage response, string page)
    {
        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
        {
            var target = new Uri(host.BaseUrl, response.Headers.Location!);
            Assert.True(target.AbsolutePath == "/denied", $"/{page} redirected a user to {target.AbsolutePath}, not /denied.");
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"/{page} answered {(int)response.StatusCode} to a user.");
    }

    private static async Task<HttpResponseMessage> PostPackageAsync(HttpClient api, string opk)
    {
        using var content = new StreamContent(File.OpenRead(opk));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/apps") { Content = content };
        request.Headers.ExpectContinue = true; // a refusal comes before the body; don't fail on the unread upload
        return await api.SendAsync(request);
    }

    private static async Task<GrainSummary> CreateGrainAsync(HttpClient api, string appId, string title)
    {
        using var response = await api.PostAsJsonAsync("api/grains", new CreateGrainRequest { AppId = appId, Title = title });
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<GrainSummary>())!;
    }

    private static async Task<SessionCreated> OpenSessionAsync(HttpClient api, string grainId)
    {
        using var response = await api.PostAsync($"api/grains/{grainId}/sessions", null);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<SessionCreated>())!;
    }

    private static async Task<(Uri Origin, BrowserClient Browser)> OpenAsync(OutpostHost host, HttpClient api, string grainId)
    {
        var session = await OpenSessionAsync(api, grainId);
        var browser = host.Browser();
        return (await browser.RedeemAsync(session.Url), browser);
    }
}
