using Outpost.Cli.Api;
using Outpost.Packaging;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Cli.Commands;

/// <summary>One <c>outpost dev</c> build: pack the folder as the next version, install it, and restart the dev grain on it.</summary>
internal sealed class DevBuild(CliContext context, OutpostClient client, DataPaths paths, string source, SigningKey key, string build, PackSettings settings)
{
    /// <summary>Returns the grain running the new build, or null when the build failed (the previous build keeps running).</summary>
    public async Task<string?> BuildAndInstallAsync(string? grainId, CancellationToken ct)
    {
        var installed = (await client.ListAppsAsync(ct)).FirstOrDefault(a => a.AppId == key.AppId);
        try
        {
            var version = (installed?.Version ?? 0) + 1;
            var info = await PackageBuilder.PackAsync(source, key, build, settings with { Version = version }, ct);
            await client.InstallAppAsync(build, ct);
            grainId ??= (await client.ListGrainsAsync(ct)).FirstOrDefault(g => g.AppId == key.AppId)?.Id
                ?? (await client.CreateGrainAsync(new CreateGrainRequest { AppId = key.AppId, Title = $"{info.Manifest.Title} (dev)" }, ct)).Id;
            // A grain moves to a new version when it next starts; stopping it makes the next request that start.
            await client.StopGrainAsync(grainId, ct);
            RemoveOlderVersions(version);
            await context.Output.WriteLineAsync($"{DateTime.Now:HH:mm:ss} built and installed {info.Manifest.Title} ({info.Size / 1048576.0:F1} MiB); reload the page");
            return grainId;
        }
        catch (Exception e) when (e is PackageException or OutpostApiException)
        {
            await context.Error.WriteLineAsync($"{DateTime.Now:HH:mm:ss} build failed, the previous build keeps running: {e.Message}");
            return null;
        }
    }

    // Each build unpacks a whole new tree (with Node.js, over 100 MB); the dev grain, just stopped, needs only the newest.
    private void RemoveOlderVersions(int current)
    {
        var appDir = Path.Combine(paths.Apps, key.AppId);
        foreach (var dir in Directory.EnumerateDirectories(appDir))
        {
            if (int.TryParse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture, out var version) && version < current)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
