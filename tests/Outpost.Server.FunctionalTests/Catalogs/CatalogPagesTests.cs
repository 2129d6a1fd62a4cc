using System.Net;
using Outpost.Server.FunctionalTests.Accounts;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>The shell's catalog pages: offered apps with an Install button on the Apps page, pins on the admin page.</summary>
public sealed class CatalogPagesTests
{
    [Fact]
    public async Task AppsPage_ListsCatalogApps_AndItsInstallButtonInstallsTheApp()
    {
        await using var fixture = await CatalogFixture.StartAsync(install: false);
        var (host, notes) = (fixture.Host, fixture.Notes);
        var admin = await TestAccounts.SetUpAdminAsync(host);
        using var browser = await TestAccounts.SignInAsync(host, admin);

        var page = await browser.Http.GetStringAsync(new Uri(host.BaseUrl, "apps"));
        var fields = TestAccounts.FormFields(page, "catalog-install");
        fields["install"] = notes.Info.AppId;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, "apps")) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", host.BaseUrl.GetLeftPart(UriPartial.Authority));
        using var installed = await browser.Http.SendAsync(request);
        var adminPage = await browser.Http.GetStringAsync(new Uri(host.BaseUrl, "admin/catalogs"));

        Assert.Contains($"data-catalog-app-id=\"{notes.Info.AppId}\"", page, StringComparison.Ordinal);
        Assert.Contains("Test catalog", page, StringComparison.Ordinal);
        Assert.True(installed.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"Install answered {(int)installed.StatusCode}.");
        Assert.Equal(1, Assert.Single(await CatalogSteps.AppsAsync(host)).Version);
        Assert.Contains("Test catalog", adminPage, StringComparison.Ordinal);
        Assert.Contains("Pin #1", adminPage, StringComparison.Ordinal);
    }
}
