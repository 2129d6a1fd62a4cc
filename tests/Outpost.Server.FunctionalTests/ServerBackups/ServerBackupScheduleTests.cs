using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.ServerBackups.ServerBackupSteps;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>The schedule: a failed run is shown to admins and tried again at the next round, which then succeeds.</summary>
public sealed class ServerBackupScheduleTests
{
    [Fact]
    public async Task AFailedScheduledRun_IsShown_AndTheNextRoundSucceedsOnceTheCauseIsGone()
    {
        using var repository = new TempDir("repo");
        var stray = Path.Combine(repository.Path, "someone-elses-file.txt");
        await File.WriteAllTextAsync(stray, "not a backup repository");
        await using var host = await OutpostHost.StartAsync(BackupsTo(repository.Path, schedule: "00:00:01"));

        await Wait.UntilAsync(async () => (await ReportAsync(host)).Status.LastError is not null, TimeSpan.FromSeconds(60), "the scheduled backup to fail");
        Assert.Contains("is not empty and is not an Outpost backup repository", (await ReportAsync(host)).Status.LastError);
        var listed = await CliRun.RunAsync("server", "backups", "--server", host.BaseUrl.ToString(), "--token", host.Token);
        Assert.Contains("The last backup failed", listed.Output);
        var now = await CliRun.RunAsync("server", "backup", "--server", host.BaseUrl.ToString(), "--token", host.Token);
        Assert.Equal(1, now.ExitCode);
        Assert.Contains("the backup failed", now.Error);

        File.Delete(stray);

        await Wait.UntilAsync(async () => (await ReportAsync(host)).Snapshots.Count > 0, TimeSpan.FromSeconds(60), "the next round to make a snapshot");
    }
}
