using System.Net.Http.Json;
using Outpost.Server.Apps;
using Outpost.Server.Catalogs;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Catalogs;

/// <summary>What an admin does with catalogs, over the API.</summary>
internal static class CatalogSteps
{
    public static async Task<HttpResponseMessage> SubscribeAsync(OutpostHost host, Uri catalogUrl, string keyId) =>
        await host.Api.PostAsJsonAsync("api/catalogs", new SubscribeRequest { Url = catalogUrl.AbsoluteUri, Key = keyId });

    public static async Task<CatalogCheckReport> CheckAsync(OutpostHost host)
    {
        using var response = await host.Api.PostAsync("api/catalogs/check", null);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<CatalogCheckReport>())!;
    }

    public static async Task<AppSummary> InstallFromCatalogAsync(OutpostHost host, string appId)
    {
        using var response = await host.Api.PostAsJsonAsync("api/catalogs/install", new CatalogInstallRequest { AppId = appId });
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<AppSummary>())!;
    }

    public static async Task<List<AppSummary>> AppsAsync(OutpostHost host) =>
        (await host.Api.GetFromJsonAsync<List<AppSummary>>("api/apps"))!;

    /// <summary>The versions unpacked on disk for <paramref name="appId"/>.</summary>
    public static List<string> VersionDirs(OutpostHost host, string appId) =>
        Directory.EnumerateDirectories(Path.Combine(host.Paths.Apps, appId)).Select(Path.GetFileName).Order().ToList()!;
}
