using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cluster.Grains;
using Outpost.Packaging;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Grains;

/// <summary>An app's manifest may ask for a memory limit; the server grants it up to the administrator's maximum.</summary>
public sealed class GrainMemoryTests
{
    [Theory]
    [InlineData(null, 512)]
    [InlineData(256, 256)]
    [InlineData(640, 640)]
    [InlineData(4096, 768)]
    public async Task Launch_ManifestMemoryRequest_IsGrantedUpToTheMaximum(int? requestedMiB, int grantedMiB)
    {
        await using var host = await OutpostHost.StartAsync(new() { ["Outpost:Sandbox:MaxMemoryMiB"] = "768" });
        using var work = new TempDir("memory");
        var opk = await NotesAskingForAsync(work.Path, requestedMiB);
        var app = await host.InstallAsync(opk);
        var grainId = (await host.NewGrainAsync(app.AppId)).Id;

        var spec = await host.Services.GetRequiredService<IGrainLauncher>().PrepareAsync(grainId, CancellationToken.None);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grainId)).Url);
        using var page = await browser.Http.GetAsync(origin);

        Assert.Equal(grantedMiB * 1024L * 1024L, spec.Limits.MemoryBytes);
        await Ensure.SuccessAsync(page); // the sandbox really starts with that limit
    }

    private static async Task<string> NotesAskingForAsync(string work, int? memoryMiB)
    {
        var source = RepoPaths.CopyApp("notes", Path.Combine(work, "notes"));
        var manifestPath = Path.Combine(source, "outpost.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        if (memoryMiB is { } mib)
        {
            manifest["memoryMiB"] = mib;
        }

        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        using var key = SigningKey.Generate();
        var opk = Path.Combine(work, "notes.opk");
        await PackageBuilder.PackAsync(source, key, opk);
        return opk;
    }
}
