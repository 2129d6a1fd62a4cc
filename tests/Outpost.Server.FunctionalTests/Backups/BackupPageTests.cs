using System.Net;
using System.Net.Http.Json;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>The grain menu's "Download backup" form, posted as a browser posts it.</summary>
public sealed class BackupPageTests
{
    [Fact]
    public async Task BackupAndRestoreForms_RoundTrip_AndTheDownloadRefusesWithoutItsAntiforgeryToken()
    {
        await using var host = await OutpostHost.StartAsync();
        var ada = await TestAccounts.SetUpAdminAsync(host);
        using var api = await TestAccounts.ApiAsync(host, ada);
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        using var create = await api.PostAsJsonAsync("api/grains", new CreateGrainRequest { AppId = app.AppId, Title = "Ada's notes" });
        var grain = (await create.Content.ReadFromJsonAsync<GrainSummary>())!;
        using var browser = await TestAccounts.SignInAsync(host, ada);
        var page = await browser.Http.GetStringAsync(new Uri(host.BaseUrl, $"grains/{grain.Id}"));
        Assert.DoesNotContain("Coming soon", page);
        var fields = TestAccounts.FormFields(page, "backup-form");
        var url = new Uri(host.BaseUrl, $"grains/{grain.Id}/backup");

        using var forged = await browser.Http.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["passphrase"] = Passphrase }));
        fields["passphrase"] = Passphrase;
        using var download = await browser.Http.PostAsync(url, new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await Ensure.SuccessAsync(download);
        Assert.Equal("Ada-s-notes-" + DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ".outpost-backup",
            download.Content.Headers.ContentDisposition?.FileNameStar);
        var backup = await download.Content.ReadAsByteArrayAsync();
        var restored = await RestoredAsync(api, backup);
        Assert.Equal("Ada's notes", restored.Grain.Title);

        // The grains page's "Restore a backup" form: to the new grain's page, or back with the reason.
        var home = await browser.Http.GetStringAsync(host.BaseUrl);
        using var wrong = await browser.Http.PostAsync(new Uri(host.BaseUrl, "grains/restore"), RestoreForm(TestAccounts.FormFields(home, "restore-form"), backup, "not the passphrase"));
        using var right = await browser.Http.PostAsync(new Uri(host.BaseUrl, "grains/restore"), RestoreForm(TestAccounts.FormFields(home, "restore-form"), backup, Passphrase));

        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        var shown = await browser.Http.GetStringAsync(new Uri(host.BaseUrl, wrong.Headers.Location!));
        Assert.Contains("wrong passphrase for this backup", shown);
        Assert.DoesNotContain("wrong passphrase", await browser.Http.GetStringAsync(host.BaseUrl));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.StartsWith("/grains/", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var grains = (await api.GetFromJsonAsync<List<GrainSummary>>("api/grains"))!;
        Assert.Equal(3, grains.Count);
        Assert.Contains(grains, g => right.Headers.Location.OriginalString == $"/grains/{g.Id}");
    }
}
