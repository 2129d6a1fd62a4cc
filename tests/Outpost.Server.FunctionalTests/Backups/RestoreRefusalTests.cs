using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Outpost.Server.Backups;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>Restores that must not happen, and restores cut short: each leaves no grain, no storage and no upload behind.</summary>
public sealed class RestoreRefusalTests
{
    [Fact]
    public async Task Restore_WrongPassphrase_Returns400AndCreatesNothing()
    {
        var backup = await BackupFromElsewhereAsync("secret");
        await using var target = await TargetWithNotesAsync();

        using var response = await RestoreAsync(target.Api, backup, passphrase: "correct horse battery stable");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("wrong passphrase", await response.Content.ReadAsStringAsync());
        await AssertNoGrainsAsync(target);
    }

    [Fact]
    public async Task Restore_AppNotInstalled_Returns409NamingTheAppAndVersion()
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, appId) = await NotesGrainWithNoteAsync(source, "needs notes");
        var backup = await BackedUpAsync(source.Api, grainId);
        await using var target = await OutpostHost.StartAsync();

        using var response = await RestoreAsync(target.Api, backup);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(appId, problem.GetProperty("appId").GetString());
        Assert.Equal("Notes", problem.GetProperty("appTitle").GetString());
        var version = problem.GetProperty("appVersion").GetInt64();
        Assert.Contains("needs Notes", problem.GetProperty("detail").GetString());
        Assert.Contains($"app id {appId}, version {version} or newer", problem.GetProperty("detail").GetString());
        await AssertNoGrainsAsync(target);
    }

    [Fact]
    public async Task Restore_OlderAppVersionInstalled_Returns409()
    {
        await using var source = await OutpostHost.StartAsync();
        using var work = new TempDir("repack");
        var newer = await SamplePackages.RepackNotesAsync(await SamplePackages.NotesAsync(), work.Path, version: 50);
        var app = await source.InstallAsync(newer);
        var grain = await source.NewGrainAsync(app.AppId, "Newer notes");
        var backup = await BackedUpAsync(source.Api, grain.Id);
        await using var target = await OutpostHost.StartAsync();
        await target.InstallAsync((await SamplePackages.NotesAsync()).File);

        using var response = await RestoreAsync(target.Api, backup);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("Notes 50.0.0", detail);
        Assert.Contains("version 50 or newer", detail);
        await AssertNoGrainsAsync(target);
    }

    [Fact]
    public async Task Restore_TruncatedBackup_FailsMidStorageAndLeavesNothing()
    {
        var backup = await BackupFromElsewhereAsync("cut short");
        await using var target = await TargetWithNotesAsync();

        // Past the header and backup.json, so the manifest reads and the restore starts writing storage.
        using var response = await RestoreAsync(target.Api, backup[..(backup.Length - 20)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("truncated", await response.Content.ReadAsStringAsync());
        await AssertNoGrainsAsync(target);
    }

    [Fact]
    public async Task Restore_NotABackupOrBadHeaders_Returns400()
    {
        await using var host = await TargetWithNotesAsync();

        using var garbage = await RestoreAsync(host.Api, Encoding.UTF8.GetBytes(new string('x', 5000)));
        using var empty = await RestoreAsync(host.Api, []);
        using var noSecret = await RestoreAsync(host.Api, [1, 2, 3], passphrase: null);
        using var badKey = await RestoreAsync(host.Api, [1, 2, 3], passphrase: null, keyLine: "outpost-backup-key-1 bm90IGEga2V5");

        foreach (var (response, words) in new[] { (garbage, "not an Outpost backup"), (empty, "backup"), (noSecret, "passphrase or a backup key"), (badKey, "not 32 bytes") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(words, await response.Content.ReadAsStringAsync());
        }

        await AssertNoGrainsAsync(host);
    }

    [Fact]
    public async Task Restore_UploadCutMidway_LeavesNoGrainNoStorageNoUpload()
    {
        var backup = await BackupFromElsewhereAsync("interrupted");
        await using var target = await TargetWithNotesAsync();

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, target.Port);
            await using var stream = client.GetStream();
            var head = $"POST /api/grains/restore HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {target.Token}\r\n"
                + $"{BackupSecrets.PassphraseHeader}: {Uri.EscapeDataString(Passphrase)}\r\nContent-Type: application/octet-stream\r\nContent-Length: {backup.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(backup.AsMemory(0, backup.Length / 2));
            await stream.FlushAsync();
            // The server is receiving it (the upload is being saved) when the connection drops.
            await Wait.UntilAsync(() => Task.FromResult(Directory.EnumerateFileSystemEntries(target.Paths.Temp).Any()), TimeSpan.FromSeconds(30), "the upload to start");
        }

        // The server notices the closed connection when it next reads; its scratch upload then goes.
        await Wait.UntilAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(target.Paths.Temp).Any()), TimeSpan.FromSeconds(30), "the partial upload to be removed");
        await AssertNoGrainsAsync(target);
        var restored = await RestoredAsync(target.Api, backup);
        Assert.Contains("interrupted", await NotesOfAsync(target, restored.Grain.Id));
    }

    [Fact]
    public async Task Start_RemovesARestoreThatACrashInterrupted_AndKeepsCommittedGrains()
    {
        using var data = new TempDir("restart");
        string kept;
        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            (kept, _) = await NotesGrainWithNoteAsync(host, "committed");
            await host.StopGrainAsync(kept);
        }

        // What a kill -9 during a restore leaves: a marked grain directory with encrypted storage and no row, and a
        // committed grain whose mark was not yet removed.
        var leftover = Path.Combine(data.Path, "grains", "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(leftover, "encrypted"));
        await File.WriteAllTextAsync(Path.Combine(leftover, "encrypted", "gocryptfs.conf"), "{}");
        await File.WriteAllTextAsync(Path.Combine(leftover, GrainRestores.MarkerName), "");
        await File.WriteAllTextAsync(Path.Combine(data.Path, "grains", kept, GrainRestores.MarkerName), "");

        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            Assert.False(Directory.Exists(leftover));
            Assert.False(File.Exists(Path.Combine(host.Paths.GrainDir(kept), GrainRestores.MarkerName)));
            Assert.Contains("committed", await NotesOfAsync(host, kept));
        }
    }
}
