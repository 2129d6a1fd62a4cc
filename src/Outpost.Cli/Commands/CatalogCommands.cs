using System.CommandLine;
using System.Globalization;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost catalog build|subscribe|list|apps|install|check|unsubscribe</c>.</summary>
internal static class CatalogCommands
{
    public static Command Create(CliContext context)
    {
        var catalog = new Command("catalog", "Publish a catalog of apps, or follow catalogs to install apps and receive updates.");
        ServerOptions.AddTo(catalog);
        catalog.Subcommands.Add(Build(context));
        catalog.Subcommands.Add(Subscribe(context));
        catalog.Subcommands.Add(List(context));
        catalog.Subcommands.Add(Apps(context));
        catalog.Subcommands.Add(Install(context));
        catalog.Subcommands.Add(Check(context));
        catalog.Subcommands.Add(Unsubscribe(context));
        return catalog;
    }

    private static Command Build(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of .opk packages (subfolders included); publish the whole folder" };
        var key = new Option<string>("--key") { Description = "Catalog signing key file (make one with 'outpost keygen')", Required = true };
        var output = new Option<string?>("--out") { Description = "Catalog file to write (default: DIR/catalog.json)" };
        var title = new Option<string>("--title") { Description = "The catalog's name, shown to admins who follow it", DefaultValueFactory = _ => "Outpost apps" };
        var command = new Command("build", "Verify every package in a folder and write a signed catalog of them.") { dir, key, output, title };
        command.SetAction(async (result, ct) =>
        {
            var folder = result.GetValue(dir)!;
            var target = result.GetValue(output) ?? Path.Combine(folder, CatalogBuilder.FileName);
            using var signingKey = SigningKey.Load(result.GetValue(key)!);
            var progress = new Progress<string>(line => context.Error.WriteLine(line));
            var bytes = await CatalogBuilder.BuildAsync(folder, signingKey, result.GetValue(title)!, TimeProvider.System, progress, ct);
            var built = CatalogReader.Read(bytes, signingKey.AppId);
            await File.WriteAllBytesAsync(target, bytes, ct);
            await context.Output.WriteLineAsync($"wrote {target}: {built.Apps.Count} app(s), {built.Apps.Sum(a => a.Versions.Count)} package(s)");
            await context.Output.WriteLineAsync($"catalog key: {signingKey.AppId}");
            await context.Output.WriteLineAsync("Give subscribers the catalog's URL and this key: outpost catalog subscribe URL --key KEY");
            return 0;
        });
        return command;
    }

    private static Command Subscribe(CliContext context)
    {
        var url = new Argument<string>("URL") { Description = "The catalog's URL, e.g. https://apps.example.org/.well-known/outpost/catalog.json" };
        var key = new Option<string>("--key") { Description = "The catalog key id its publisher gave out", Required = true };
        var command = new Command("subscribe", "Follow a catalog: its apps can be installed, and installed ones update from it.") { url, key };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var added = await client.SubscribeCatalogAsync(new() { Url = result.GetValue(url)!, Key = result.GetValue(key)! }, ct);
            await context.Output.WriteLineAsync($"subscribed to {added.Title} (catalog {added.Id})");
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List followed catalogs and the result of their last check.");
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var catalogs = await client.ListCatalogsAsync(ct);
            await Table.WriteAsync(context.Output, ["ID", "TITLE", "URL", "CHECKED", "STATUS"],
                catalogs.Select(c => new[]
                {
                    c.Id.ToString(CultureInfo.InvariantCulture), c.Title ?? "-", c.Url, c.CheckedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never",
                    c.LastError ?? "ok",
                }));
            return 0;
        });
        return command;
    }

    private static Command Apps(CliContext context)
    {
        var command = new Command("apps", "List the apps the followed catalogs offer.");
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var apps = await client.ListCatalogAppsAsync(ct);
            await Table.WriteAsync(context.Output, ["APP ID", "TITLE", "VERSION", "INSTALLED"],
                apps.Select(a => new[]
                {
                    a.AppId, a.Title, $"{a.MarketingVersion} (#{a.Version})",
                    a.InstalledVersion is int v ? $"#{v}{(a.PinnedVersion is int p ? $", pinned #{p}" : "")}{(a.UpdateAvailable ? ", update available" : "")}" : "-",
                }));
            return 0;
        });
        return command;
    }

    private static Command Install(CliContext context)
    {
        var appId = new Argument<string>("APP_ID");
        var command = new Command("install", "Download, check and install an app from a followed catalog.") { appId };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var app = await client.InstallFromCatalogAsync(result.GetValue(appId)!, ct);
            await context.Output.WriteLineAsync($"installed {app.Title} {app.MarketingVersion}");
            return 0;
        });
        return command;
    }

    private static Command Check(CliContext context)
    {
        var command = new Command("check", "Check followed catalogs now and install newer versions of installed apps (the server also does this on a schedule).");
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var report = await client.CheckCatalogsAsync(ct);
            foreach (var line in report.Lines)
            {
                await context.Output.WriteLineAsync($"{line.Outcome,-9} {line.Message}");
            }

            if (report.RemovedVersions > 0)
            {
                await context.Output.WriteLineAsync($"removed {report.RemovedVersions} unused app version(s)");
            }

            return report.Lines.Any(l => l.Outcome == "refused") ? 2 : 0;
        });
        return command;
    }

    private static Command Unsubscribe(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "The catalog's id from 'outpost catalog list'" };
        var command = new Command("unsubscribe", "Stop following a catalog; installed apps stay.") { id };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.UnsubscribeCatalogAsync(result.GetValue(id), ct);
            await context.Output.WriteLineAsync("unsubscribed");
            return 0;
        });
        return command;
    }
}
