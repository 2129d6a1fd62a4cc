using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Server.Accounts;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost serve</c>: runs a node (web shell, API, session router, Orleans silo).</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "Data directory (default: $OUTPOST__DATADIR, /var/lib/outpost as root, else ~/.local/share/outpost)" };
        var listen = new Option<string?>("--listen") { Description = "Address to listen on (default http://localhost:6080)" };
        var baseDomain = new Option<string?>("--base-domain") { Description = "Session hosts are <random>.<base-domain> (default localhost)" };
        var command = new Command("serve", "Run the Outpost server.") { data, listen, baseDomain };
        command.SetAction(async (result, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            AddIfSet(overrides, "DataDir", result.GetValue(data));
            AddIfSet(overrides, "Listen", result.GetValue(listen));
            AddIfSet(overrides, "BaseDomain", result.GetValue(baseDomain));
            await using var app = await OutpostServer.BuildAsync([], b => b.Configuration.AddInMemoryCollection(overrides));
            await app.StartAsync(ct);
            var paths = app.Services.GetRequiredService<DataPaths>();
            var url = app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
            await context.Output.WriteLineAsync($"""

                Outpost is running. Open {url}
                Data directory: {paths.Root}
                API token for the command line: outpost admin-token --data {paths.Root}
                """);
            var key = app.Services.GetRequiredService<MasterKeyInfo>();
            await context.Output.WriteLineAsync($"Master key: {key.Source} (key id {key.Id})");
            if (key.Created)
            {
                await context.Output.WriteLineAsync(
                    $"\nA new master key was created: {key.Source}\n" +
                    "Every grain is encrypted under it. Keep a copy somewhere safe, apart from the data directory:\n" +
                    "without it, nobody (not even you) can read the grains again. See docs/encryption.md.");
            }

            if (app.Services.GetRequiredService<SetupLink>().UrlFor(url) is { } setup)
            {
                await context.Output.WriteLineAsync($"""

                    First run: create the admin account with this one-time link (valid for 1 hour):

                        {setup}

                    """);
            }

            await context.Output.WriteLineAsync("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    private static void AddIfSet(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            overrides[$"{OutpostOptions.Section}:{key}"] = value;
        }
    }
}
