using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cli.Api;
using Outpost.Packaging;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.Cli.Commands;

/// <summary>
/// <c>outpost dev DIR</c>: runs the app of a pack folder in a grain on a private local server, and repacks and
/// reinstalls it whenever a file in the folder changes, so an author iterates on a recipe without keys or version bumps.
/// </summary>
internal static class DevCommand
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    public static Command Create(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "App folder holding outpost.json" };
        var data = new Option<string?>("--data") { Description = "Data directory of the dev server (default: one per app folder under ~/.cache/outpost/dev, or /var/lib/outpost-dev as root); grains and the dev key live there" };
        var listen = new Option<string?>("--listen") { Description = "Address to listen on (default http://127.0.0.1:6090)" };
        var npmCache = PackagingCommands.NpmCacheOption();
        var command = new Command("dev", "Run an app folder in a grain on a local dev server, rebuilding it when its files change.") { dir, data, listen, npmCache };
        command.SetAction(async (result, ct) =>
        {
            var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(result.GetValue(dir)!));
            if (!File.Exists(Path.Combine(source, "outpost.json")))
            {
                throw new CliException($"'{source}' has no outpost.json; 'outpost dev' runs an app folder (see docs/recipes.md).");
            }

            var dataDir = Path.GetFullPath(result.GetValue(data) ?? DefaultDataDir(source));
            var settings = PackagingCommands.Settings(context, result.GetValue(npmCache));
            await RunAsync(context, source, dataDir, result.GetValue(listen) ?? "http://127.0.0.1:6090", settings, ct);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(CliContext context, string source, string dataDir, string listen, PackSettings settings, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        var overrides = new Dictionary<string, string?>
        {
            [$"{OutpostOptions.Section}:DataDir"] = dataDir,
            [$"{OutpostOptions.Section}:Listen"] = listen,
        };
        await using var app = await OutpostServer.BuildAsync([], b => b.Configuration.AddInMemoryCollection(overrides));
        await app.StartAsync(ct);
        try
        {
            await DevelopAsync(context, app, source, dataDir, settings, ct);
        }
        finally
        {
            // Ctrl+C or SIGTERM cancels ct. Disposing alone would leave the grain's sandbox running and its storage's
            // gocryptfs view mounted; a stop shuts the grain down and unmounts the view.
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task DevelopAsync(CliContext context, Microsoft.AspNetCore.Builder.WebApplication app, string source, string dataDir, PackSettings settings, CancellationToken ct)
    {
        var paths = app.Services.GetRequiredService<DataPaths>();
        // The bound address, not the configured one: "--listen http://127.0.0.1:0" picks a free port.
        var server = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new OutpostClient(server, await AdminToken.EnsureAsync(paths, TimeProvider.System, ct));
        using var key = DevKey(dataDir);
        var build = Path.Combine(dataDir, "dev-build", "app.opk");

        var dev = new DevBuild(context, client, paths, source, key, build, settings);
        var grainId = await dev.BuildAndInstallAsync(grainId: null, ct)
            ?? throw new CliException("the first build failed; fix the error above and run 'outpost dev' again");
        var session = await client.OpenGrainAsync(grainId, ct);
        await context.Output.WriteLineAsync($"""

            Dev server for {source} on {server}
            Open the grain: {session.Url}
            Watching for changes; each one repacks and restarts the grain. Press Ctrl+C to stop.
            """);

        using var changes = new FolderChanges(source, Path.Combine(dataDir, "dev-build"));
        while (await changes.WaitAsync(Quiet, ct))
        {
            await dev.BuildAndInstallAsync(grainId, ct);
        }
    }

    // One key per dev data directory, never a publishing key: the dev app id stays the same across runs, so its grains do too.
    private static SigningKey DevKey(string dataDir)
    {
        var path = Path.Combine(dataDir, "dev.key");
        if (!File.Exists(path))
        {
            using var fresh = SigningKey.Generate();
            fresh.Save(path);
        }

        return SigningKey.Load(path);
    }

    // As root, grains run as other users that must pass through every parent directory, and /root is closed to them.
    private static string DefaultDataDir(string source)
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var parent = Environment.IsPrivilegedProcess ? "/var/lib/outpost-dev" : Path.Combine(cacheHome, "outpost", "dev");
        Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..12];
        return Path.Combine(parent, $"{Path.GetFileName(source)}-{id}");
    }
}
