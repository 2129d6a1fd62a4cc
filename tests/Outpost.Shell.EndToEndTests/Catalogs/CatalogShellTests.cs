using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Packaging;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.Catalogs;

/// <summary>Catalogs in a real browser: subscribe on the admin page, then install with one click on the Apps page.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class CatalogShellTests(Chromium chromium)
{
    [Fact]
    public async Task Admin_SubscribesOnTheAdminPage_ThenInstallsFromTheAppsPageWithOneClick()
    {
        await using var site = await CatalogSite.StartAsync();
        using var catalogKey = SigningKey.Generate();
        var notes = await SamplePackages.NotesAsync();
        site.Add(notes.File, "notes.opk");
        await site.PublishAsync(catalogKey);
        await using var host = await OutpostHost.StartAsync();
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString());
        Assert.NotNull(setupUrl);
        await using var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.SetUpAsync(page, setupUrl, Person.Admin);

            await page.GotoAsync("/admin/catalogs");
            await page.GetByLabel("Catalog URL").FillAsync(site.CatalogUrl.AbsoluteUri);
            await page.GetByLabel("Catalog key").FillAsync(catalogKey.AppId);
            await ShellPages.Button(page, "Subscribe").ClickAsync();
            await Expect(page.Locator("[data-catalog-id]")).ToContainTextAsync("Test catalog");

            await page.GotoAsync("/apps");
            var offer = page.Locator($"[data-catalog-app-id=\"{notes.Info.AppId}\"]");
            await offer.GetByRole(AriaRole.Button, new() { Name = "Install Notes" }).ClickAsync();

            await Expect(page.Locator($"li[data-app-id=\"{notes.Info.AppId}\"]")).ToBeVisibleAsync();
            await Expect(offer.Locator(".badge")).ToContainTextAsync("Installed #1");
            await Expect(offer.GetByRole(AriaRole.Button, new() { Name = "Install Notes" })).ToHaveCountAsync(0);
        });
    }
}
