using System.Net.Http.Json;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.ServerBackups;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>Whole-server backups through the command line and the admin API.</summary>
internal static class ServerBackupSteps
{
    /// <summary>Settings for a server whose backups go to <paramref name="repository"/>, made only when asked.</summary>
    public static Dictionary<string, string?> BackupsTo(string repository, string schedule = "00:00:00", int keepLast = 10) => new()
    {
        ["Outpost:Backups:KeepLast"] = keepLast.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Outpost:Backups:Directory"] = repository,
        ["Outpost:Backups:Schedule"] = schedule,
    };

    /// <summary>Runs <c>outpost server backup</c> against <paramref name="host"/>; returns the new snapshot.</summary>
    public static async Task<SnapshotSummary> BackUpAsync(OutpostHost host)
    {
        var run = await CliRun.RunAsync("server", "backup", "--server", host.BaseUrl.ToString(), "--token", host.Token);
        Assert.True(run.ExitCode == 0, run.Error);
        var report = await ReportAsync(host);
        return report.Snapshots.Single(s => run.Output.Contains(s.Id, StringComparison.Ordinal));
    }

    public static async Task<ServerBackupReport> ReportAsync(OutpostHost host) =>
        (await host.Api.GetFromJsonAsync<ServerBackupReport>("api/server/backups"))!;

    /// <summary>Runs <c>outpost server restore</c>.</summary>
    public static Task<CliResult> RestoreAsync(string repository, string dataDir, string keyFile, string snapshot = "latest") =>
        CliRun.RunAsync("server", "restore", repository, "--snapshot", snapshot, "--data-dir", dataDir, "--master-key-file", keyFile);
}
