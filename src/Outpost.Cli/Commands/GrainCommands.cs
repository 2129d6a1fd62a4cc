using System.CommandLine;
using System.Globalization;
using Outpost.Server.Grains;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost grain new|open|list|stop|delete|logs</c>; sharing and backups have their own files.</summary>
internal static class GrainCommands
{
    public static Command Create(CliContext context)
    {
        var grain = new Command("grain", "Create, open and manage grains (app instances) on a running server.");
        ServerOptions.AddTo(grain);
        grain.Subcommands.Add(New(context));
        grain.Subcommands.Add(Open(context));
        grain.Subcommands.Add(List(context));
        grain.Subcommands.Add(ShareCommands.Share(context));
        grain.Subcommands.Add(ShareCommands.Access(context));
        grain.Subcommands.Add(ShareCommands.Log(context));
        grain.Subcommands.Add(BackupCommands.Backup(context));
        grain.Subcommands.Add(BackupCommands.Restore(context));
        grain.Subcommands.Add(BackupCommands.NewKey(context));
        grain.Subcommands.Add(WithGrainId("stop", "Stop a running grain (it starts again when opened).", async (client, id, ct) =>
        {
            await client.StopGrainAsync(id, ct);
            await context.Output.WriteLineAsync("stopped");
        }));
        grain.Subcommands.Add(WithGrainId("delete", "Delete a grain and all its data, for good.", async (client, id, ct) =>
        {
            await client.DeleteGrainAsync(id, ct);
            await context.Output.WriteLineAsync("deleted");
        }));
        grain.Subcommands.Add(WithGrainId("logs", "Print a grain's log (its app's output and sandbox events).", async (client, id, ct) =>
            await context.Output.WriteAsync(await client.GrainLogsAsync(id, ct))));
        return grain;
    }

    private static Command New(CliContext context)
    {
        var appId = new Argument<string>("APP_ID") { Description = "Installed app to create the grain from ('outpost app list')" };
        var action = new Option<string?>("--action") { Description = "The app action to use (default: its first)" };
        var title = new Option<string?>("--title") { Description = "Grain title" };
        var command = new Command("new", "Create a grain; prints its id.") { appId, action, title };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var created = await client.CreateGrainAsync(new CreateGrainRequest
            {
                AppId = result.GetValue(appId)!,
                Action = result.GetValue(action),
                Title = result.GetValue(title),
            }, ct);
            await context.Output.WriteLineAsync(created.Id);
            return 0;
        });
        return command;
    }

    private static Command Open(CliContext context)
    {
        var id = new Argument<string>("GRAIN_ID");
        var command = new Command("open", "Open a session on a grain; prints a one-time link for a browser (or 'curl -L -b \"\" URL').") { id };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var session = await client.OpenGrainAsync(result.GetValue(id)!, ct);
            await context.Output.WriteLineAsync(session.Url);
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List grains.");
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var grains = await client.ListGrainsAsync(ct);
            if (grains.Count == 0)
            {
                await context.Output.WriteLineAsync("No grains yet. Create one with 'outpost grain new APP_ID'.");
                return 0;
            }

            await Table.WriteAsync(context.Output, ["GRAIN ID", "TITLE", "APP", "STATE", "CREATED"], grains.Select(g => new[]
            {
                g.Id,
                g.Title,
                g.AppTitle,
                g.Running ? $"running ({(g.MemoryBytes ?? 0) / 1024 / 1024} MiB)" : "stopped",
                g.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            }));
            return 0;
        });
        return command;
    }

    private static Command WithGrainId(string name, string description, Func<Api.OutpostClient, string, CancellationToken, Task> run)
    {
        var id = new Argument<string>("GRAIN_ID");
        var command = new Command(name, description) { id };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await run(client, result.GetValue(id)!, ct);
            return 0;
        });
        return command;
    }
}
