using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Outpost.Server.Apps;
using Outpost.Server.Backups;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>
/// The real <c>outpost serve</c> killed with SIGKILL in the middle of a backup or a restore, then started again on
/// the same data directory: nothing is lost, nothing half-made is left, and the next try works.
/// </summary>
public sealed class BackupCrashTests
{
    // Large enough that the backup or restore is still running when the kill comes.
    private const int BulkMiB = 200;

    [Fact]
    public async Task Backup_ServerKilledDuringTheDownload_GrainIsIntactNothingStaysHeldAndTheNextBackupWorks()
    {
        using var data = new TempDir("crash-backup");
        using var work = new TempDir("crash-work");
        var paths = new DataPaths(data.Path);
        string grainId;
        byte[] bulkHash;
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            (grainId, bulkHash) = await BulkNotesGrainAsync(server, paths, "survives the crash");
            using var download = await BackupSteps.BackupUnderWayAsync(server.Api, grainId);
            Assert.Contains(paths.GrainStorage(grainId), Mounts());

            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(data.Path);

        Assert.DoesNotContain(paths.GrainStorage(grainId), Mounts());
        Assert.Contains("survives the crash", await NotesOfAsync(restarted, grainId));
        Assert.Equal(bulkHash, await HashAsync(Path.Combine(paths.GrainStorage(grainId), "bulk.bin")));
        var next = await DownloadBackupAsync(restarted.Api, grainId, Path.Combine(work.Path, "next.outpost-backup"));
        Assert.True(new FileInfo(next).Length > BulkMiB << 20);
        Assert.Empty(Directory.EnumerateFileSystemEntries(paths.Temp));

        // A stop (SIGTERM), unlike the kill, unmounts what the server mounted.
        Assert.Contains("survives the crash", await NotesOfAsync(restarted, grainId));
        Assert.Contains(paths.GrainStorage(grainId), Mounts());
        await restarted.StopAsync();
        Assert.DoesNotContain(data.Path, Mounts());
    }

    [Fact]
    public async Task Restore_ServerKilledWhileWritingTheGrain_LeavesNoHalfGrainAndTheSameFileRestoresAfterwards()
    {
        using var data = new TempDir("crash-restore");
        using var work = new TempDir("crash-work");
        var paths = new DataPaths(data.Path);
        var backup = Path.Combine(work.Path, "notes.outpost-backup");
        string sourceId;
        string halfRestored;
        byte[] bulkHash;
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            (sourceId, bulkHash) = await BulkNotesGrainAsync(server, paths, "restored after the crash");
            await DownloadBackupAsync(server.Api, sourceId, backup);
            var restore = RestoreFileAsync(server.Api, backup);

            await Wait.UntilAsync(() => Task.FromResult(MarkedRestore(paths) is not null || restore.IsCompleted), TimeSpan.FromMinutes(5), "the restore to start writing its grain");
            await server.KillAsync();
            var marked = MarkedRestore(paths);
            Assert.True(marked is not null, "the restore ended before the kill: " + restore.Status);
            halfRestored = marked;
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => restore);
        }

        await using var restarted = await ServerProcess.StartAsync(data.Path);

        Assert.Equal([sourceId], (await GrainsAsync(restarted.Api)).Select(g => g.Id));
        Assert.False(Directory.Exists(paths.GrainDir(halfRestored)), "the interrupted restore's directory should be gone");
        Assert.DoesNotContain(paths.GrainStorage(halfRestored), Mounts());
        Assert.Empty(Directory.EnumerateFileSystemEntries(paths.Temp));
        using var again = await RestoreFileAsync(restarted.Api, backup);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var restored = (await again.Content.ReadFromJsonAsync<RestoreResult>())!;
        Assert.Contains("restored after the crash", await NotesOfAsync(restarted, restored.Grain.Id));
        Assert.Equal(bulkHash, await HashAsync(Path.Combine(paths.GrainStorage(restored.Grain.Id), "bulk.bin")));
    }

    /// <summary>A running notes grain holding one note, and <see cref="BulkMiB"/> MiB of random bytes put into its storage's view.</summary>
    private static async Task<(string GrainId, byte[] BulkHash)> BulkNotesGrainAsync(ServerProcess server, DataPaths paths, string note)
    {
        using var install = new StreamContent(File.OpenRead((await SamplePackages.NotesAsync()).File));
        install.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var installed = await server.Api.PostAsync("api/apps", install);
        await Ensure.SuccessAsync(installed);
        var app = (await installed.Content.ReadFromJsonAsync<AppSummary>())!;
        using var created = await server.Api.PostAsJsonAsync("api/grains", new CreateGrainRequest { AppId = app.AppId, Title = "Bulky notes" });
        await Ensure.SuccessAsync(created);
        var grainId = (await created.Content.ReadFromJsonAsync<GrainSummary>())!.Id;
        using (var browser = server.Browser())
        {
            var origin = await browser.RedeemAsync(await SessionUrlAsync(server.Api, grainId));
            await NotesSteps.CreateNoteAsync(browser, origin, note);
        }

        // The grain runs, so its storage's plaintext view is mounted: what is written there is encrypted on disk.
        return (grainId, await BackupSteps.WriteBulkAsync(paths.GrainStorage(grainId), BulkMiB));
    }

    private static async Task<string> DownloadBackupAsync(HttpClient api, string grainId, string path)
    {
        using var response = await api.SendAsync(BackupSteps.BackupRequest(grainId), HttpCompletionOption.ResponseHeadersRead);
        await Ensure.SuccessAsync(response);
        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file);
        return path;
    }

    private static async Task<HttpResponseMessage> RestoreFileAsync(HttpClient api, string backup)
    {
        var content = new StreamContent(File.OpenRead(backup));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/grains/restore") { Content = content };
        request.Headers.Add(BackupSecrets.PassphraseHeader, Uri.EscapeDataString(BackupSteps.Passphrase));
        return await api.SendAsync(request);
    }

    private static async Task<string> SessionUrlAsync(HttpClient api, string grainId)
    {
        using var response = await api.PostAsync($"api/grains/{grainId}/sessions", null);
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<SessionCreated>())!.Url;
    }

    private static async Task<string> NotesOfAsync(ServerProcess server, string grainId)
    {
        using var browser = server.Browser();
        var origin = await browser.RedeemAsync(await SessionUrlAsync(server.Api, grainId));
        return await NotesSteps.ListAsync(browser, origin);
    }

    private static async Task<List<GrainSummary>> GrainsAsync(HttpClient api) => (await api.GetFromJsonAsync<List<GrainSummary>>("api/admin/grains"))!;

    /// <summary>The grain directory a restore is writing (marked <see cref="GrainRestores.MarkerName"/>), or null.</summary>
    private static string? MarkedRestore(DataPaths paths) =>
        Directory.Exists(paths.Grains)
            ? Directory.EnumerateDirectories(paths.Grains).Where(d => File.Exists(Path.Combine(d, GrainRestores.MarkerName))).Select(Path.GetFileName).FirstOrDefault()
            : null;

    private static string Mounts() => File.ReadAllText("/proc/self/mounts");

    private static async Task<byte[]> HashAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        return await SHA256.HashDataAsync(stream);
    }
}
