using System.CommandLine;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost app install|list|remove|pin|unpin</c>.</summary>
internal static class AppCommands
{
    public static Command Create(CliContext context)
    {
        var app = new Command("app", "Install, list and remove apps on a running server.");
        ServerOptions.AddTo(app);

        var file = new Argument<string>("FILE") { Description = "Package file (.opk)" };
        var install = new Command("install", "Install a package, or update an installed app to a higher version.") { file };
        install.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"No such file: {path}");
            }

            using var client = ServerOptions.Client(result);
            var installed = await client.InstallAppAsync(path, ct);
            await context.Output.WriteLineAsync($"installed {installed.Title} {installed.MarketingVersion}");
            await context.Output.WriteLineAsync(installed.AppId);
            return 0;
        });

        var list = new Command("list", "List installed apps.");
        list.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var apps = await client.ListAppsAsync(ct);
            if (apps.Count == 0)
            {
                await context.Output.WriteLineAsync("No apps installed yet. Install one with 'outpost app install FILE.opk'.");
                return 0;
            }

            await Table.WriteAsync(context.Output, ["APP ID", "TITLE", "VERSION", "PINNED", "GRAINS"],
                apps.Select(a => new[]
                {
                    a.AppId, a.Title, $"{a.MarketingVersion} (#{a.Version})", a.PinnedVersion is int p ? $"#{p}" : "-",
                    a.GrainCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }));
            return 0;
        });

        var appId = new Argument<string>("APP_ID");
        var remove = new Command("remove", "Remove an app that has no grains.") { appId };
        remove.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.RemoveAppAsync(result.GetValue(appId)!, ct);
            await context.Output.WriteLineAsync("removed");
            return 0;
        });

        var pinApp = new Argument<string>("APP_ID");
        var pinVersion = new Argument<int>("VERSION") { Description = "An installed version number (the #N 'outpost app list' shows)" };
        var pin = new Command("pin", "Keep an app's grains on VERSION: automatic updates stop at it until 'outpost app unpin'.") { pinApp, pinVersion };
        pin.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.PinAppAsync(result.GetValue(pinApp)!, result.GetValue(pinVersion), ct);
            await context.Output.WriteLineAsync($"pinned to version #{result.GetValue(pinVersion)}");
            return 0;
        });

        var unpinApp = new Argument<string>("APP_ID");
        var unpin = new Command("unpin", "Let an app update automatically again.") { unpinApp };
        unpin.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.UnpinAppAsync(result.GetValue(unpinApp)!, ct);
            await context.Output.WriteLineAsync("unpinned; grains move to the newest version on their next start");
            return 0;
        });

        app.Subcommands.Add(install);
        app.Subcommands.Add(pin);
        app.Subcommands.Add(unpin);
        app.Subcommands.Add(list);
        app.Subcommands.Add(remove);
        return app;
    }
}
