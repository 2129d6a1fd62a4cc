using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.Accounts;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Accounts;

/// <summary>An account made for a test, with what its owner would type to sign in.</summary>
internal sealed record TestAccount(string Id, string Email, string Password, AccountRole Role);

/// <summary>
/// Makes accounts the way people get them (an invitation link, or the setup link for the admin) and signs them in
/// the way a browser does (the real sign-in form, antiforgery token and all) or gives them an API token.
/// </summary>
internal static partial class TestAccounts
{
    private const string Password = "copper lantern orchard 58";

    /// <summary>Creates an account with <paramref name="role"/> through an invitation, as the admin's link would.</summary>
    public static async Task<TestAccount> InviteAsync(OutpostHost host, AccountRole role, string name)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var invitations = scope.ServiceProvider.GetRequiredService<InvitationService>();
        var token = await invitations.InviteAsync(role, note: name, createdBy: Account.AdminId, lifetime: null, CancellationToken.None);
        var email = $"{name.ToLowerInvariant().Replace(' ', '.')}-{SecretToken.New()[..8]}@example.test";
        var (account, errors) = await invitations.RedeemAsync(token, InvitationKind.Invite, name, email, Password, CancellationToken.None);
        Assert.True(account is not null, string.Join(" ", errors));
        return new TestAccount(account.Id, email, Password, role);
    }

    /// <summary>Completes first-run setup (the built-in admin gets an email and password) through the setup link's token.</summary>
    public static async Task<TestAccount> SetUpAdminAsync(OutpostHost host)
    {
        var token = host.Services.GetRequiredService<SetupLink>().Token ?? throw new InvalidOperationException("Setup is already done.");
        await using var scope = host.Services.CreateAsyncScope();
        var invitations = scope.ServiceProvider.GetRequiredService<InvitationService>();
        const string Email = "ada@example.test";
        var (account, errors) = await invitations.RedeemAsync(token, InvitationKind.Setup, "Ada Lovelace", Email, Password, CancellationToken.None);
        Assert.True(account is not null, string.Join(" ", errors));
        return new TestAccount(account.Id, Email, Password, AccountRole.Admin);
    }

    /// <summary>An API client acting as <paramref name="account"/>: a token stored hashed, as the admin token is.</summary>
    public static async Task<HttpClient> ApiAsync(OutpostHost host, TestAccount account)
    {
        var token = SecretToken.NewLong();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            db.ApiTokens.Add(new ApiToken
            {
                Id = SecretToken.New(),
                AccountId = account.Id,
                TokenHash = SecretToken.Hash(token),
                Name = "test",
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var client = new HttpClient { BaseAddress = host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Signs in through the real /login form: GET the page, send back its hidden fields (the antiforgery token and
    /// the form's name) with the antiforgery cookie, and keep the auth cookie it sets.
    /// </summary>
    public static async Task<BrowserClient> SignInAsync(OutpostHost host, TestAccount account)
    {
        var browser = host.Browser();
        using var page = await browser.Http.GetAsync(new Uri(host.BaseUrl, "login"));
        await Ensure.SuccessAsync(page);
        var html = await page.Content.ReadAsStringAsync();

        var form = FormRegex().Matches(html).FirstOrDefault(f => f.Value.Contains("name=\"password\"", StringComparison.Ordinal));
        Assert.True(form is not null, "The sign-in page has no form with a password field.");
        var fields = HiddenInputs(form.Value);
        Assert.True(fields.ContainsKey("__RequestVerificationToken"), "The sign-in form carries no antiforgery token.");
        fields["email"] = account.Email;
        fields["password"] = account.Password;
        var action = ActionRegex().Match(form.Value) is { Success: true } a ? WebUtility.HtmlDecode(a.Groups["url"].Value) : "login";

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(host.BaseUrl, "login"), action)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", host.BaseUrl.GetLeftPart(UriPartial.Authority));
        using var response = await browser.Http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.OK, $"Sign-in answered {(int)response.StatusCode}.");
        Assert.True(browser.Cookies.GetCookies(host.BaseUrl).Any(c => c.Name == "outpost_auth"), $"Sign-in as {account.Email} set no auth cookie.");
        return browser;
    }

    /// <summary>The hidden fields (antiforgery token, form name) of the form with id <paramref name="formId"/> in a page.</summary>
    public static Dictionary<string, string> FormFields(string html, string formId)
    {
        var form = FormRegex().Matches(html).FirstOrDefault(f => f.Value.Contains($"id=\"{formId}\"", StringComparison.Ordinal));
        Assert.True(form is not null, $"The page has no form '{formId}'.");
        return HiddenInputs(form.Value);
    }

    private static Dictionary<string, string> HiddenInputs(string form)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputRegex().Matches(form))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = AttributeRegex("name").Match(tag);
            var value = AttributeRegex("value").Match(tag);
            if (name.Success)
            {
                fields[WebUtility.HtmlDecode(name.Groups["v"].Value)] = value.Success ? WebUtility.HtmlDecode(value.Groups["v"].Value) : "";
            }
        }

        return fields;
    }

    private static Regex AttributeRegex(string attribute) => new($"\\s{attribute}=\"(?<v>[^\"]*)\"", RegexOptions.IgnoreCase);

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormRegex();

    [GeneratedRegex("<form\\b[^>]*\\saction=\"(?<url>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ActionRegex();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputRegex();
}
