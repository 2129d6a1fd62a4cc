using System.CommandLine;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost admin-token</c>: prints the admin API token, creating it on first use.</summary>
internal static class AdminTokenCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "Data directory of the server (default: as 'outpost serve')" };
        var command = new Command("admin-token", "Print an admin API token for scripting (created if absent; the server stores only its hash).") { data };
        command.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(data) ?? Environment.GetEnvironmentVariable("OUTPOST__DATADIR") ?? OutpostOptions.DefaultDataDir();
            var token = await AdminToken.EnsureAsync(new DataPaths(dir), TimeProvider.System, ct);
            await context.Output.WriteLineAsync(token);
            return 0;
        });
        return command;
    }
}
