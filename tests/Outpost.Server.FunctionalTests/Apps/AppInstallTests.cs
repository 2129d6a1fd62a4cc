using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Outpost.Server.Apps;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Apps;

/// <summary>Installing packages over the API: hostile packages are refused with a reason and leave nothing behind.</summary>
public sealed class AppInstallTests
{
    [Fact]
    public async Task Install_TamperedPackage_Returns400WithReasonAndInstallsNothing()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        var bytes = await File.ReadAllBytesAsync(notes.File);
        bytes[bytes.Length / 2] ^= 0x40;

        using var response = await PostPackageAsync(host, bytes);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("signature", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await AssertNothingInstalledAsync(host);
    }

    [Fact]
    public async Task Install_Garbage_Returns400AndInstallsNothing()
    {
        await using var host = await OutpostHost.StartAsync();

        using var response = await PostPackageAsync(host, "this is not a package"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingInstalledAsync(host);
    }

    [Fact]
    public async Task Install_SameVersionAgain_Returns409AndKeepsTheInstalledApp()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        var installed = await host.InstallAsync(notes.File);

        using var response = await PostPackageAsync(host, await File.ReadAllBytesAsync(notes.File));
        var apps = await host.Api.GetFromJsonAsync<List<AppSummary>>("api/apps");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("higher version", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(installed.Version, Assert.Single(apps!).Version);
    }

    [Fact]
    public async Task Install_HigherVersionSignedBySameKey_Updates_ThenLowerIsRefused()
    {
        await using var host = await OutpostHost.StartAsync();
        var notes = await SamplePackages.NotesAsync();
        await host.InstallAsync(notes.File);
        using var v2 = new TempDir("v2");
        var v2File = await SamplePackages.RepackNotesAsync(notes, v2.Path, 2);

        var updated = await host.InstallAsync(v2File);
        using var downgrade = await PostPackageAsync(host, await File.ReadAllBytesAsync(notes.File));

        Assert.Equal(2, updated.Version);
        Assert.Equal(HttpStatusCode.Conflict, downgrade.StatusCode);
    }

    [Fact]
    public async Task Install_WithoutToken_Returns401()
    {
        await using var host = await OutpostHost.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = host.BaseUrl };

        using var response = await anonymous.PostAsync("api/apps", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Remove_AppWithGrains_Returns409_AndWithoutGrainsRemovesFiles()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);

        using var refused = await host.Api.DeleteAsync($"api/apps/{app.AppId}");
        using var deleteGrain = await host.Api.DeleteAsync($"api/grains/{grain.Id}");
        using var removed = await host.Api.DeleteAsync($"api/apps/{app.AppId}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Paths.Apps, app.AppId)));
    }

    private static async Task<HttpResponseMessage> PostPackageAsync(OutpostHost host, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await host.Api.PostAsync("api/apps", content);
    }

    private static async Task AssertNothingInstalledAsync(OutpostHost host)
    {
        var apps = await host.Api.GetFromJsonAsync<List<AppSummary>>("api/apps");
        Assert.Empty(apps!);
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.Apps));
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.Temp));
    }
}
