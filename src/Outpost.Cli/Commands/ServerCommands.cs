using System.CommandLine;
using System.Globalization;
using Outpost.Server.Encryption;
using Outpost.Server.ServerBackups;
using Outpost.Server.Shell;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost server backup|backups|restore</c>: whole-server backups (docs/backups.md).</summary>
internal static class ServerCommands
{
    // Bounded: a backup of a large server takes hours, never days.
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(2);

    public static Command Create(CliContext context)
    {
        var server = new Command("server", "Whole-server backups: back up now, list snapshots, restore a server into a new data directory.");
        var backup = new Command("backup", "Make a server snapshot now (in the server's backup directory), showing its progress.");
        ServerOptions.AddTo(backup);
        backup.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var started = await client.StartServerBackupAsync(ct);
            var since = started.LastStartedAt;
            string? shown = null;
            var deadline = DateTime.UtcNow + MaxWait;
            while (DateTime.UtcNow < deadline)
            {
                var status = (await client.ServerBackupsAsync(ct)).Status;
                if (!status.Running && status.LastFinishedAt >= since)
                {
                    if (status.LastError is { } error)
                    {
                        throw new CliException($"the backup failed: {error}");
                    }

                    await context.Output.WriteLineAsync($"Snapshot {status.LastSnapshotId}: {status.Files} files, {Format.Bytes(status.Bytes)}, {Format.Bytes(status.NewBytes)} new");
                    return 0;
                }

                var line = $"{status.Phase}: {status.Files} files, {Format.Bytes(status.Bytes)} ({Format.Bytes(status.NewBytes)} new)";
                if (status.Running && line != shown)
                {
                    await context.Error.WriteLineAsync(line);
                    shown = line;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }

            throw new CliException("the backup is still running after two days; see 'outpost server backups'");
        });

        var list = new Command("backups", "List the server snapshots, the backup settings and the last run.");
        ServerOptions.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var report = await client.ServerBackupsAsync(ct);
            if (report.Directory is null)
            {
                await context.Output.WriteLineAsync("Server backups are off: choose a backup directory on Admin → Backups, or set Outpost:Backups:Directory (OUTPOST__BACKUPS__DIRECTORY) and restart the server.");
                return 0;
            }

            await context.Output.WriteLineAsync($"Directory {report.Directory}, {(report.Schedule <= TimeSpan.Zero ? "only when asked" : Format.Every(report.Schedule))}, keeping the {report.KeepLast} newest, {report.KeepDaily} daily and {report.KeepWeekly} weekly snapshots.");
            var status = report.Status;
            if (status.Running)
            {
                await context.Output.WriteLineAsync($"Running now: {status.Phase}");
            }
            else if (status.LastError is not null)
            {
                await context.Output.WriteLineAsync($"The last backup failed at {status.LastFinishedAt:yyyy-MM-dd HH:mm}: {status.LastError}. It is tried again at the next round.");
            }

            if (report.ListError is not null)
            {
                throw new CliException($"the snapshots cannot be listed: {report.ListError}");
            }

            await Table.WriteAsync(context.Output, ["ID", "TIME (UTC)", "GRAINS", "FILES", "SIZE", "NEW"], report.Snapshots.Select(s => new[]
            {
                s.Id, s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), s.Grains.Count.ToString(CultureInfo.InvariantCulture),
                s.Files.ToString(CultureInfo.InvariantCulture), Format.Bytes(s.TotalBytes), Format.Bytes(s.NewBytes),
            }));
            foreach (var skipped in report.Snapshots.LastOrDefault()?.Skipped ?? [])
            {
                await context.Output.WriteLineAsync($"left out of the newest snapshot: {skipped}");
            }

            return 0;
        });

        server.Subcommands.Add(backup);
        server.Subcommands.Add(list);
        server.Subcommands.Add(Restore(context));
        return server;
    }

    private static Command Restore(CliContext context)
    {
        var repository = new Argument<string>("DIR") { Description = "The backup directory (repository) holding the snapshots" };
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id ('outpost server backups'), or 'latest' (default)", DefaultValueFactory = _ => "latest" };
        var dataDir = new Option<string>("--data-dir", "--data") { Description = "The new data directory to create (must not exist, or be empty)", Required = true };
        var keyFile = new Option<string?>("--master-key-file")
        {
            Description = "The master.key of the server that made the backups (else OUTPOST_MASTER_KEY or OUTPOST_MASTER_PASSPHRASE); it is copied into the new data directory",
        };
        var command = new Command("restore", "Restore a whole server from a snapshot into a new data directory (offline), then start it with 'outpost serve'.")
        {
            repository, snapshot, dataDir, keyFile,
        };
        command.SetAction(async (result, ct) =>
        {
            var restore = new ServerRestore(context.Error);
            var done = await restore.RunAsync(result.GetValue(repository)!, result.GetValue(snapshot)!, result.GetValue(dataDir)!, result.GetValue(keyFile),
                MasterKeyInputs.Current(Environment.GetEnvironmentVariable), ct);
            var target = Path.GetFullPath(result.GetValue(dataDir)!);
            await context.Output.WriteLineAsync($"""
                Restored snapshot {done.SnapshotId}: {done.Grains} grains, {done.Files} files, {Format.Bytes(done.Bytes)} into {target}.
                {(done.KeyFileWritten ? $"The master key was written to {target}/master.key." : $"Start it with the same master key ({done.MasterKeyId}) in OUTPOST_MASTER_KEY or OUTPOST_MASTER_PASSPHRASE.")}
                Start the server: outpost serve --data {target}
                """);
            return 0;
        });
        return command;
    }
}
