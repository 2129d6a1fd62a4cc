using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Server.FunctionalTests.Backups;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Transfer.TransferSteps;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>Moving grains between two real servers, each with its own data directory and master key.</summary>
public sealed class TransferTests
{
    [Fact]
    public async Task Pull_WithTheCommandLine_MovesEveryGrainWithProgress_ThenRepullSkipsAndRemoveSourceTrashes()
    {
        await using var source = await OutpostHost.StartAsync();
        var app = await source.InstallAsync((await SamplePackages.NotesAsync()).File);
        var first = await NotesGrainAsync(source, app.AppId, "Shopping", "eggs and flour");
        var second = await NotesGrainAsync(source, app.AppId, "Reading", "a long book");
        await using var target = await BackupSteps.TargetWithNotesAsync();

        var offer = await CliRun.RunAsync("transfer", "offer", "--server", source.BaseUrl.ToString(), "--token", source.Token, "--expires", "2h");
        Assert.True(offer.ExitCode == 0, offer.Error);
        var token = offer.Output.Trim();
        Assert.Contains($"outpost transfer pull {source.BaseUrl.ToString().TrimEnd('/')}", offer.Error);

        // The token from the environment, as the docs suggest (nothing else reads this variable).
        CliResult pull;
        Environment.SetEnvironmentVariable("OUTPOST_TRANSFER_TOKEN", token);
        try
        {
            pull = await CliRun.RunAsync("transfer", "pull", source.BaseUrl.ToString(), "--server", target.BaseUrl.ToString(), "--token", target.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OUTPOST_TRANSFER_TOKEN", null);
        }

        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Contains("grain 1 of 2 “Shopping”: done", pull.Error);
        Assert.Contains("grain 2 of 2 “Reading”: done", pull.Error);
        Assert.Contains("marked the offer completed", pull.Error);
        var arrived = pull.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[1], p => p[0]);
        Assert.Equal(["Reading", "Shopping"], arrived.Keys.Order());
        Assert.Equal("Shopping", (await target.GrainAsync(arrived["Shopping"])).Title);
        Assert.Contains("eggs and flour", await BackupSteps.NotesOfAsync(target, arrived["Shopping"]));
        Assert.Contains("a long book", await BackupSteps.NotesOfAsync(target, arrived["Reading"]));

        await using (var scope = source.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            var exports = await db.AccessLog.Where(e => e.Action == AccessLogActions.TransferExport).ToListAsync();
            Assert.Equal(new[] { first, second }.Order(), exports.Select(e => e.GrainId).Order());
            Assert.All(exports, e => Assert.Contains("transfer offer", e.ActorName));
        }

        var list = await CliRun.RunAsync("transfer", "list", "--server", source.BaseUrl.ToString(), "--token", source.Token);
        Assert.Contains("completed", list.Output);
        var cancel = await CliRun.RunAsync("transfer", "cancel", "0123456789abcdef", "--server", source.BaseUrl.ToString(), "--token", source.Token);
        Assert.Equal(1, cancel.ExitCode);
        Assert.Contains("There is no transfer offer 0123456789abcdef of yours", cancel.Error);
        var badExpiry = await CliRun.RunAsync("transfer", "offer", "--expires", "soon", "--server", source.BaseUrl.ToString(), "--token", source.Token);
        Assert.Contains("--expires 'soon' is not a duration", badExpiry.Error);

        // Again, the token typed in (standard input; no other test reads it), this time moving the originals.
        CliResult again;
        var stdin = Console.In;
        Console.SetIn(new StringReader(token + "\n"));
        try
        {
            again = await CliRun.RunAsync("transfer", "pull", source.BaseUrl.ToString(), "-", "--remove-source", "--server", target.BaseUrl.ToString(), "--token", target.Token);
        }
        finally
        {
            Console.SetIn(stdin);
        }

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("grain 1 of 2 “Shopping”: already here (moved before), skipped", again.Error);
        Assert.Contains("grain 2 of 2 “Reading”: already here (moved before), skipped", again.Error);
        Assert.Contains("moved 2 originals to the trash there", again.Error);
        Assert.Equal(2, (await target.Api.GetFromJsonAsync<List<Server.Grains.GrainSummary>>("api/grains"))!.Count);
        Assert.NotNull((await source.GrainAsync(first)).TrashedAt);
        Assert.NotNull((await source.GrainAsync(second)).TrashedAt);
        // The trash keeps them: restoring one brings it back whole.
        using var restore = await source.Api.PostAsync($"api/grains/{first}/restore", null);
        await Ensure.SuccessAsync(restore);
        Assert.Contains("eggs and flour", await BackupSteps.NotesOfAsync(source, first));
    }

    [Fact]
    public async Task Pull_OverHttps_TrustsTheCertificateNamedInTheConfiguration()
    {
        using var certificate = new TestCertificate();
        var https = certificate.KestrelSettings();
        https["Outpost:Listen"] = "http://127.0.0.1:0;https://127.0.0.1:0";
        await using var source = await OutpostHost.StartAsync(https);
        var app = await source.InstallAsync((await SamplePackages.NotesAsync()).File);
        await NotesGrainAsync(source, app.AppId, "Over TLS", "sent encrypted twice");
        var offer = await OfferAsync(source.Api);
        await using var target = await OutpostHost.StartAsync(new() { ["Outpost:Transfer:TrustedCertificate"] = certificate.CertPath });
        await target.InstallAsync((await SamplePackages.NotesAsync()).File);

        var pull = await PullAsync(target.Api, source.Addresses.Single(a => a.Scheme == "https"), offer.Token);

        Assert.True(pull.State == "done", pull.Message + string.Join("; ", pull.Grains.Select(g => g.Error)));
        Assert.Contains("sent encrypted twice", await BackupSteps.NotesOfAsync(target, pull.Grains.Single().GrainId!));
    }

    [Fact]
    public async Task Pull_AppMissing_SaysWhichApp_OrInstallsItFromASubscribedCatalog()
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, _) = await BackupSteps.NotesGrainWithNoteAsync(source, "needs its app");
        var offer = await OfferAsync(source.Api);
        await using var bare = await OutpostHost.StartAsync();

        var refused = await PullAsync(bare.Api, source.BaseUrl, offer.Token);

        var failure = Assert.Single(refused.Grains);
        Assert.Equal("failed", failure.State);
        Assert.Contains("This backup needs Notes", failure.Error);
        Assert.Contains("No catalog this server follows offers it", failure.Error);
        await AssertNothingArrivedAsync(bare);

        await using var subscribed = await Catalogs.CatalogFixture.StartAsync(install: false);
        var pulled = await PullAsync(subscribed.Host.Api, source.BaseUrl, offer.Token);

        Assert.True(pulled.State == "done", pulled.Message + string.Join("; ", pulled.Grains.Select(g => g.Error)));
        Assert.Contains("needs its app", await BackupSteps.NotesOfAsync(subscribed.Host, pulled.Grains.Single().GrainId!));
        Assert.Equal(grainId, pulled.Grains.Single().SourceId);
    }

    [Fact]
    public async Task Pull_ByAUserFromThisMachine_IsRefused()
    {
        await using var target = await OutpostHost.StartAsync();
        var person = await Sharing.SharingSteps.PersonAsync(target, "Barbara Liskov");

        using var response = await person.Api.PostAsJsonAsync("api/transfers/pulls", new Server.Transfer.PullRequest { Url = "https://127.0.0.1:9/", Token = new string('a', 64) });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("only an administrator may pull from there", await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> NotesGrainAsync(OutpostHost host, string appId, string title, string note)
    {
        var grain = await host.NewGrainAsync(appId, title);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grain.Id)).Url);
        await NotesSteps.CreateNoteAsync(browser, origin, note);
        return grain.Id;
    }
}
