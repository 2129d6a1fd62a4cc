using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.ServerBackups;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;
using static Outpost.Server.FunctionalTests.ServerBackups.ServerBackupSteps;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>kill -9 of <c>outpost serve</c> during a scheduled backup, and of <c>outpost server restore</c>: nothing half-made survives.</summary>
public sealed class ServerBackupCrashTests
{
    private const int BigFileMiB = 120;

    [Fact]
    public async Task KilledDuringAScheduledBackup_NoSnapshotAppears_TheGrainOpens_AndTheNextBackupWorks_ThenAKilledRestoreLeavesNoServer()
    {
        using var repository = new TempDir("repo");
        using var data = new TempDir("server");
        using var keys = new TempDir("keys");
        string grainId;
        await using (var host = await OutpostHost.StartAsync(data: data))
        {
            (grainId, _) = await NotesGrainWithNoteAsync(host, "survives the crash");
            // A big file in the grain's (mounted, running) storage, so the backup takes long enough to be caught mid-way.
            await File.WriteAllBytesAsync(Path.Combine(host.Paths.GrainStorage(grainId), "big.bin"), RandomNumberGenerator.GetBytes(BigFileMiB << 20));
        }

        var environment = new Dictionary<string, string>
        {
            ["OUTPOST__BACKUPS__DIRECTORY"] = repository.Path,
            ["OUTPOST__BACKUPS__SCHEDULE"] = "00:00:01",
        };
        await using (var serve = await ServerProcess.StartAsync(data.Path, environment))
        {
            await Wait.UntilAsync(async () => await IsCopyingTheGrainAsync(serve.Api) || serve.HasExited, TimeSpan.FromSeconds(120), "the scheduled backup to copy the grain");
            Assert.False(serve.HasExited, serve.Output);

            await serve.KillAsync();
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repository.Path, "snapshots")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(repository.Path, "chunks"), "*", SearchOption.AllDirectories));

        await using (var host = await OutpostHost.StartAsync(BackupsTo(repository.Path), data))
        {
            Assert.Contains("survives the crash", await NotesOfAsync(host, grainId));
            Assert.Equal(BigFileMiB << 20, new FileInfo(Path.Combine(host.Paths.GrainStorage(grainId), "big.bin")).Length);
            Assert.Empty((await ReportAsync(host)).Snapshots);

            var snapshot = await BackUpAsync(host);

            Assert.Single((await ReportAsync(host)).Snapshots);
            // Chunks the killed run had stored were found and used, not stored again.
            Assert.True(snapshot.NewBytes < snapshot.TotalBytes, $"{snapshot.NewBytes} new of {snapshot.TotalBytes}");
            File.Copy(host.Paths.MasterKeyFile, Path.Combine(keys.Path, "master.key"));
        }

        var keyFile = Path.Combine(keys.Path, "master.key");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var target = Path.Combine(keys.Path, "restored");
        using (var restore = StartRestore(repository.Path, target, keyFile))
        {
            await Wait.UntilAsync(() => Task.FromResult(StagedFiles(keys.Path).Length > 0 || restore.HasExited), TimeSpan.FromSeconds(60), "the restore to write files");
            Assert.False(restore.HasExited, "the restore ended before it could be killed");
            restore.Kill(entireProcessTree: false);
            await restore.WaitForExitAsync();
        }

        Assert.False(Directory.Exists(target));
        var rerun = await RestoreAsync(repository.Path, target, keyFile);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Equal(["master.key", "restored"], Directory.EnumerateFileSystemEntries(keys.Path).Select(Path.GetFileName).Order());
        using var restored = new TempDir("restored-server");
        Directory.Delete(restored.Path);
        Directory.Move(target, restored.Path);
        await using var again = await OutpostHost.StartAsync(data: restored);
        Assert.Contains("survives the crash", await NotesOfAsync(again, grainId));
    }

    private static async Task<bool> IsCopyingTheGrainAsync(HttpClient api)
    {
        try
        {
            var report = await api.GetFromJsonAsync<ServerBackupReport>("api/server/backups");
            return report!.Status is { Running: true, Phase: { } phase } && phase.StartsWith("grain", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary><c>outpost server restore</c> (the CLI built beside the tests) as a child process, its output drained.</summary>
    private static Process StartRestore(string repository, string target, string keyFile)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "outpost.dll"), "server", "restore", repository, "--data-dir", target, "--master-key-file", keyFile })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Files in a restore's staging directory ("restored.partial-…").</summary>
    private static string[] StagedFiles(string parent) =>
        Directory.EnumerateDirectories(parent, "restored.partial-*").SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).ToArray();
}
