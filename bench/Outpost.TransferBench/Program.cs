using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Packaging;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;
using Outpost.Server.Transfer;
using static Outpost.Bench.Samples;

// Moving one grain of N MiB from server A to server B with 'transfer pull' (A: stop, backup to a temp file, send;
// B: download, verify, restore into a new encrypted volume) against fetching a file of the same size from A's static
// file folder with curl (the baseline: the bytes over the same loopback HTTP, to disk, nothing else).
// Usage: dotnet run --project bench/Outpost.TransferBench -c Release -- [--mib 100] [--runs 3]
var mib = OptionValue("--mib") is { } m ? int.Parse(m, CultureInfo.InvariantCulture) : 100;
var runs = OptionValue("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
var repo = Outpost.Bench.RepositoryRoot.Find();
var work = Directory.CreateTempSubdirectory("outpost-transfer-bench-").FullName;
File.SetUnixFileMode(work, (UnixFileMode)0x1ED); // grains run as other users and must traverse the data directory
try
{
    using var appKey = SigningKey.Generate();
    var opk = Path.Combine(work, "notes.opk");
    var info = await PackageBuilder.PackAsync(Path.Combine(repo, "apps", "notes"), appKey, opk);
    var published = Directory.CreateDirectory(Path.Combine(work, "published")).FullName;
    var (a, aApi) = await StartAsync(Path.Combine(work, "a"), published);
    var (b, bApi) = await StartAsync(Path.Combine(work, "b"), null);
    await using (a)
    await using (b)
    {
        await InstallAsync(aApi, opk);
        await InstallAsync(bApi, opk);
        var grainId = await GrainOfAsync(aApi, work, info, mib);

        var pulls = new List<double>();
        var curls = new List<double>();
        long backupBytes = 0;
        for (var i = 0; i < runs + 1; i++)
        {
            // A new offer each time: a second pull of the same offer would skip the grain.
            using var offer = await aApi.PostAsJsonAsync("api/transfers", new CreateOfferRequest { GrainIds = [grainId] });
            var token = (await offer.Content.ReadFromJsonAsync<OfferCreated>())!.Token;
            var watch = Stopwatch.StartNew();
            using var start = await bApi.PostAsJsonAsync("api/transfers/pulls", new PullRequest { Url = aApi.BaseAddress!.ToString(), Token = token });
            var status = (await start.Content.ReadFromJsonAsync<PullStatus>())!;
            while (status.State == "running")
            {
                await Task.Delay(20);
                status = (await bApi.GetFromJsonAsync<PullStatus>($"api/transfers/pulls/{status.Id}"))!;
            }

            var pull = watch.Elapsed.TotalSeconds;
            if (status.State != "done")
            {
                throw new InvalidOperationException(status.Message + string.Join("; ", status.Grains.Select(g => g.Error)));
            }

            backupBytes = status.Grains[0].BytesTotal;
            if (i == 0)
            {
                // Same size as the backup that travelled, random so nothing on the way can shrink it.
                await File.WriteAllBytesAsync(Path.Combine(published, "blob.opk"), RandomNumberGenerator.GetBytes((int)backupBytes));
                Curl(new Uri(aApi.BaseAddress, ".well-known/outpost/blob.opk"), Path.Combine(work, "warm.bin"));
                continue; // warm-up: JIT, database, page cache
            }

            pulls.Add(pull);
            curls.Add(Curl(new Uri(aApi.BaseAddress, ".well-known/outpost/blob.opk"), Path.Combine(work, $"curl-{i}.bin")));
        }

        Console.WriteLine($"grain storage {mib} MiB of random data in one file; backup on the wire {backupBytes / 1048576.0:F1} MiB; {runs} runs after a warm-up");
        Console.WriteLine("| | median s | MiB/s |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| curl of the same bytes from A's static files, to disk (baseline) | {Median(curls):F2} | {backupBytes / 1048576.0 / Median(curls):F0} |");
        Console.WriteLine($"| `transfer pull` of the grain (backup on A, download, verify, restore on B) | {Median(pulls):F2} | {backupBytes / 1048576.0 / Median(pulls):F0} |");
        Console.WriteLine($"| **ratio pull / curl** | **{Median(pulls) / Median(curls):F1}** | |");
        await a.StopAsync();
        await b.StopAsync();
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static async Task<(WebApplication App, HttpClient Api)> StartAsync(string data, string? published)
{
    string[] args = ["--Outpost:DataDir", data, "--Outpost:Listen", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"];
    var app = await OutpostServer.BuildAsync(published is null ? args : [.. args, "--Outpost:Catalogs:PublishDir", published]);
    await app.StartAsync();
    var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    var api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AdminToken.EnsureAsync(new DataPaths(data), TimeProvider.System));
    return (app, api);
}

static async Task InstallAsync(HttpClient api, string opk)
{
    using var content = new StreamContent(File.OpenRead(opk));
    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    (await api.PostAsync("api/apps", content)).EnsureSuccessStatusCode();
}

// A grain holding one file of random data, made by restoring a backup of a directory (the quickest way to fill a
// grain's encrypted storage from outside).
static async Task<string> GrainOfAsync(HttpClient api, string work, PackageInfo info, int mib)
{
    var storage = Directory.CreateDirectory(Path.Combine(work, "storage")).FullName;
    await File.WriteAllBytesAsync(Path.Combine(storage, "data.bin"), RandomNumberGenerator.GetBytes(mib << 20));
    var file = Path.Combine(work, "seed.outpost-backup");
    const string Passphrase = "bench passphrase, not secret";
    using (var key = BackupKey.FromPassphrase(Passphrase))
    await using (var output = File.Create(file))
    {
        await BackupWriter.WriteAsync(output, new BackupManifest
        {
            GrainId = "seed",
            Title = "Bench grain",
            AppId = info.AppId,
            AppVersion = info.Manifest.Version,
            CreatedAt = DateTimeOffset.UtcNow,
        }, storage, key);
    }

    using var content = new StreamContent(File.OpenRead(file));
    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    using var request = new HttpRequestMessage(HttpMethod.Post, "api/grains/restore") { Content = content };
    request.Headers.Add("X-Outpost-Backup-Passphrase", Uri.EscapeDataString(Passphrase));
    using var response = await api.SendAsync(request);
    response.EnsureSuccessStatusCode();
    Directory.Delete(storage, recursive: true);
    File.Delete(file);
    return (await response.Content.ReadFromJsonAsync<Outpost.Server.Backups.RestoreResult>())!.Grain.Id;
}

static double Curl(Uri url, string output)
{
    var watch = Stopwatch.StartNew();
    using var curl = Process.Start(new ProcessStartInfo("curl", ["-fsS", "-o", output, url.ToString()]))!;
    curl.WaitForExit();
    var elapsed = watch.Elapsed.TotalSeconds;
    File.Delete(output);
    return curl.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"curl exited with {curl.ExitCode}");
}

string? OptionValue(string name) =>
    Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
