using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;
using static Outpost.Bench.Samples;

// Installing an app from a catalog (fetch catalog entry, download over loopback HTTP with size and hash checks,
// then the normal install) against installing the same .opk by uploading it (the baseline), on one real server that
// also publishes the catalog at its well-known URL.
// Usage: dotnet run --project bench/Outpost.CatalogBench -c Release -- [--iterations N] [--app NAME]
// NAME is a folder of apps/ (default notes); recipes with npm packages are fetched through the shared artifacts/npm cache.
var iterations = OptionValue("--iterations") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 10;
var appName = OptionValue("--app") ?? "notes";
var repo = Outpost.Bench.RepositoryRoot.Find();
var work = Directory.CreateTempSubdirectory("outpost-catalog-bench-").FullName;
File.SetUnixFileMode(work, (UnixFileMode)0x1ED); // grains run as other users and must traverse the data directory
try
{
    var published = Directory.CreateDirectory(Path.Combine(work, "published")).FullName;
    using var appKey = SigningKey.Generate();
    using var catalogKey = SigningKey.Generate();
    var opk = Path.Combine(published, $"{appName}.opk");
    Console.Error.WriteLine($"packing apps/{appName} …");
    var info = await PackageBuilder.PackAsync(
        Path.Combine(repo, "apps", appName), appKey, opk, new PackSettings { NpmCacheDir = Path.Combine(repo, "artifacts", "npm") });
    await File.WriteAllBytesAsync(Path.Combine(published, CatalogBuilder.FileName), await CatalogBuilder.BuildAsync(published, catalogKey, "Bench", TimeProvider.System));

    var data = Path.Combine(work, "data");
    await using var app = await OutpostServer.BuildAsync(
        ["--Outpost:DataDir", data, "--Outpost:Listen", "http://127.0.0.1:0", "--Outpost:Catalogs:PublishDir", published, "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    using var api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AdminToken.EnsureAsync(new DataPaths(data), TimeProvider.System));
    (await api.PostAsJsonAsync("api/catalogs", new { url = new Uri(address, ".well-known/outpost/catalog.json").AbsoluteUri, key = catalogKey.AppId })).EnsureSuccessStatusCode();

    async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> install)
    {
        var watch = Stopwatch.StartNew();
        using var response = await install();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        (await api.DeleteAsync($"api/apps/{info.AppId}")).EnsureSuccessStatusCode();
        return elapsed;
    }

    Task<HttpResponseMessage> UploadAsync()
    {
        var content = new StreamContent(File.OpenRead(opk));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return api.PostAsync("api/apps", content);
    }

    Task<HttpResponseMessage> FromCatalogAsync() => api.PostAsJsonAsync("api/catalogs/install", new { appId = info.AppId });

    await TimeAsync(UploadAsync); // warm-up: JIT, database, page cache
    await TimeAsync(FromCatalogAsync);
    var upload = new List<double>();
    var catalog = new List<double>();
    for (var i = 0; i < iterations; i++)
    {
        // Alternate the order so neither side always runs on a cache the other warmed.
        if (i % 2 == 0)
        {
            upload.Add(await TimeAsync(UploadAsync));
            catalog.Add(await TimeAsync(FromCatalogAsync));
        }
        else
        {
            catalog.Add(await TimeAsync(FromCatalogAsync));
            upload.Add(await TimeAsync(UploadAsync));
        }
    }

    Console.WriteLine($"package: {info.Size / 1024.0 / 1024.0:F1} MiB, {iterations} installs each");
    Console.WriteLine("| | p50 ms | min ms |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| upload the .opk to POST /api/apps (baseline) | {Median(upload):F0} | {upload.Min():F0} |");
    Console.WriteLine($"| install from the catalog (download over loopback, size + SHA-256 check, then the same install) | {Median(catalog):F0} | {catalog.Min():F0} |");
    Console.WriteLine($"| **ratio catalog / upload (p50)** | **{Median(catalog) / Median(upload):F2}** | |");
    await app.StopAsync();
}
finally
{
    Directory.Delete(work, recursive: true);
}

string? OptionValue(string name) =>
    Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
