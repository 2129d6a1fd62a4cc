using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Sharing;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>Backups of real notes grains restored on a second real server, with its own data directory and master key.</summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Restore_OnAnotherServer_HasTheSameNotesAndTheOldLinkOpensIt()
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(source, "kept across servers");
        var link = await SharingSteps.SharedAsync(source.Api, grainId, "viewer", label: "for the team");
        var revoked = await SharingSteps.SharedAsync(source.Api, grainId, "editor");
        await SharingSteps.RevokeAsync(source.Api, revoked.Id);
        var backup = await BackedUpAsync(source.Api, grainId);

        await using var target = await TargetWithNotesAsync();
        var restored = await RestoredAsync(target.Api, backup);

        Assert.NotEqual(grainId, restored.Grain.Id);
        Assert.Equal("Kept notes", restored.Grain.Title);
        Assert.Equal(grainId, restored.BackupGrainId);
        Assert.Equal(2, restored.SharesRestored);
        Assert.Contains("kept across servers", await NotesOfAsync(target, restored.Grain.Id));
        // The restored files belong to the grain's own uid (the server runs as root here): its app can change them.
        Assert.Equal([await GrainUidAsync(target, restored.Grain.Id)], await OwnersAsync(target.Paths.GrainStorage(restored.Grain.Id)));
        using (var owner = target.Browser())
        {
            var ownerOrigin = await owner.RedeemAsync((await target.OpenAsync(restored.Grain.Id)).Url);
            await NotesSteps.CreateNoteAsync(owner, ownerOrigin, "written after the restore");
            Assert.Contains("written after the restore", await NotesSteps.ListAsync(owner, ownerOrigin));
        }

        using var visitor = target.Browser();
        var origin = await SharingSteps.OpenLinkInAsync(target, link.Url!, visitor);
        Assert.Contains("kept across servers", await NotesSteps.ListAsync(visitor, origin));
        using var revokedLink = await SharingSteps.OpenLinkAsync(target, revoked.Url!);
        Assert.False(revokedLink.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Backup_RunningGrain_StopsItAndItWorksAgainAfterwards_AndTheLogSaysSo()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "written while running");
        Assert.True((await host.GrainAsync(grainId)).Running);

        var backup = await BackedUpAsync(host.Api, grainId);

        Assert.False((await host.GrainAsync(grainId)).Running);
        Assert.Contains("written while running", await NotesOfAsync(host, grainId));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var entry = await db.AccessLog.SingleAsync(e => e.GrainId == grainId && e.Action == AccessLogActions.BackupDownload);
        Assert.NotNull(entry.ActorAccountId);
        Assert.DoesNotContain(BackupSteps.Passphrase, System.Text.Encoding.UTF8.GetString(backup));
    }

    private static async Task<string> GrainUidAsync(OutpostHost host, string grainId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var grain = await scope.ServiceProvider.GetRequiredService<OutpostDbContext>().Grains.SingleAsync(g => g.Id == grainId);
        var settings = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Server.Hosting.SandboxSettings>>().Value;
        return (settings.UidBase + grain.Number).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The distinct owners (uids) of everything below <paramref name="directory"/>, as find(1) sees them.</summary>
    private static async Task<string[]> OwnersAsync(string directory)
    {
        var info = new System.Diagnostics.ProcessStartInfo("find") { RedirectStandardOutput = true };
        foreach (var arg in new[] { directory, "-mindepth", "1", "-printf", "%U\n" })
        {
            info.ArgumentList.Add(arg);
        }

        using var find = System.Diagnostics.Process.Start(info)!;
        var output = await find.StandardOutput.ReadToEndAsync();
        await find.WaitForExitAsync();
        var owners = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
        Assert.NotEmpty(owners);
        return owners;
    }

    [Fact]
    public async Task WhileHeldForABackup_TheGrainDoesNotStart_AndStartsAfterwards()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "held");
        await host.StopGrainAsync(grainId);
        var storage = host.Services.GetRequiredService<Server.Encryption.GrainStorage>();
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grainId)).Url);

        Assert.NotNull(await storage.TryHoldAsync(grainId, ownerUid: null, Server.Backups.GrainBackups.HoldPurpose, CancellationToken.None));
        using (var during = await browser.Http.GetAsync(new Uri(origin, "api/notes")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
            Assert.Contains("being backed up", await during.Content.ReadAsStringAsync());
        }

        Assert.Null(await storage.TryHoldAsync(grainId, ownerUid: null, "a second hold", CancellationToken.None));
        await storage.EndHoldAsync(grainId);
        Assert.Contains("held", await NotesSteps.ListAsync(browser, origin));
    }

    [Fact]
    public async Task Restore_OnTheSameServer_IsANewGrainAndTheLinksStayWithTheOriginal()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "twice");
        await SharingSteps.SharedAsync(host.Api, grainId, "viewer");
        var backup = await BackedUpAsync(host.Api, grainId);

        var restored = await RestoredAsync(host.Api, backup);

        Assert.Equal(0, restored.SharesRestored);
        Assert.Contains(restored.Skipped, s => s.Contains("already opens another grain", StringComparison.Ordinal));
        Assert.Contains("twice", await NotesOfAsync(host, restored.Grain.Id));
        Assert.Contains("twice", await NotesOfAsync(host, grainId));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        // The history came along: the original's share and backup lines, under the new grain.
        var actions = await db.AccessLog.Where(e => e.GrainId == restored.Grain.Id).Select(e => e.Action).ToListAsync();
        Assert.Contains(AccessLogActions.ShareCreate, actions);
    }

    [Fact]
    public async Task Backup_ByAnotherAccount_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "private");
        using var bob = await SharingSteps.PersonAsync(host, "Bob");
        await SharingSteps.SharedAsync(host.Api, grainId, "editor", email: bob.Account.Email);

        using var response = await BackupAsync(bob.Api, grainId);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Content.Headers.ContentDisposition is not null);
    }

    [Fact]
    public async Task Backup_ShortPassphraseOrNoSecret_Returns400AndDoesNotStopTheGrain()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "still running");

        using var shortOne = await BackupAsync(host.Api, grainId, passphrase: "too short");
        using var none = await BackupAsync(host.Api, grainId, passphrase: null);

        Assert.Equal(HttpStatusCode.BadRequest, shortOne.StatusCode);
        Assert.Contains("at least 10 characters", await shortOne.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.True((await host.GrainAsync(grainId)).Running);
    }

    [Fact]
    public async Task Restore_WithABackupKey_Works()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "keyed");
        using var key = Packaging.BackupKey.Generate();
        using var response = await BackupAsync(host.Api, grainId, passphrase: null, key: key.ToText());
        await Ensure.SuccessAsync(response);
        var backup = await response.Content.ReadAsByteArrayAsync();
        var keyLine = key.ToText().Split('\n').Single(l => l.StartsWith("outpost-backup-key-1 ", StringComparison.Ordinal));

        using var restore = await RestoreAsync(host.Api, backup, passphrase: null, keyLine: keyLine);

        Assert.Equal(HttpStatusCode.Created, restore.StatusCode);
        var restored = (await restore.Content.ReadFromJsonAsync<Server.Backups.RestoreResult>())!;
        Assert.Contains("keyed", await NotesOfAsync(host, restored.Grain.Id));
    }

    [Fact]
    public async Task Restore_PersonShare_KeptWhenTheAccountExistsHere()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "for bob");
        using var bob = await SharingSteps.PersonAsync(host, "Bob");
        await SharingSteps.SharedAsync(host.Api, grainId, "editor", email: bob.Account.Email);
        var backup = await BackedUpAsync(host.Api, grainId);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // Bob's account and share stay; the restored grain gets its own share for him.
            Assert.Single(await scope.ServiceProvider.GetRequiredService<OutpostDbContext>().Shares.Where(s => s.ToAccountId != null).ToListAsync());
        }

        var restored = await RestoredAsync(host.Api, backup);

        Assert.Equal(1, restored.SharesRestored);
        var origin = await SharingSteps.OpenAsPersonAsync(bob, restored.Grain.Id);
        Assert.Contains("for bob", await NotesSteps.ListAsync(bob.Browser, origin));
    }
}
