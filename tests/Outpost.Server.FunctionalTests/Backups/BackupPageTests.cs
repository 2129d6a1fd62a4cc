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
    public async Task DownloadBackupForm_GivesARestorableBackup_AndRefusesWithoutItsAntiforgeryToken()
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
        var restored = await RestoredAsync(api, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("Ada's notes", restored.Grain.Title);
    }
}
