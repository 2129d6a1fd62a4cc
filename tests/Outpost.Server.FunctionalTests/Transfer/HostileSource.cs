using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>
/// A server that pretends to offer grains and answers badly, one way per path prefix: <c>/malformed/</c>,
/// <c>/huge/</c>, <c>/many/</c>, <c>/redirect/</c>, and <c>/backups/</c>, whose grains are one real backup served
/// whole ("good"), damaged in every way a network or a hostile server can ("truncated", "flipped", "endless",
/// "oversized"), and a real backup made for another offer's token ("foreign"). It listens on http and on https with
/// a self-signed certificate.
/// </summary>
internal sealed class HostileSource : IAsyncDisposable
{
    public static readonly string[] BackupVariants = ["good", "truncated", "flipped", "foreign", "endless", "oversized"];
    private const int EndlessChunks = 256;
    private readonly WebApplication _app;

    private HostileSource(WebApplication app, Uri http, Uri https)
    {
        _app = app;
        Http = http;
        Https = https;
    }

    public Uri Http { get; }

    public Uri Https { get; }

    /// <summary>True once anything called the end-of-transfer endpoint.</summary>
    public bool CompleteCalled { get; private set; }

    public static async Task<HostileSource> StartAsync(byte[] realBackup, byte[] foreignBackup, TestCertificate certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(certificate.KestrelSettings());
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls("http://127.0.0.1:0", "https://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        HostileSource? source = null;
        app.MapGet("/malformed/api/transfer/grains", () => Results.Text("{\"offerId\": \"x\", \"grains\": [{\"id\": ", "application/json"));
        app.MapGet("/huge/api/transfer/grains", () => Results.Text("{\"offerId\":\"x\",\"grains\":[],\"pad\":\"" + new string('a', 5 << 20) + "\"}", "application/json"));
        app.MapGet("/many/api/transfer/grains", () => Results.Json(new
        {
            offerId = "x",
            grains = Enumerable.Range(0, 10_000).Select(i => Grain($"g{i}")),
        }));
        app.MapGet("/redirect/api/transfer/grains", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        app.MapGet("/backups/api/transfer/grains", () => Results.Json(new { offerId = "x", grains = BackupVariants.Select(Grain) }));
        app.MapGet("/backups/api/transfer/grains/{id}/backup", (string id, HttpContext context) =>
            ServeAsync(id, context, id == "foreign" ? foreignBackup : realBackup));
        app.MapPost("/backups/api/transfer/complete", () =>
        {
            source!.CompleteCalled = true;
            return Results.Json(new { completed = true, trashed = 0 });
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        source = new HostileSource(app, addresses.Single(a => a.Scheme == "http"), addresses.Single(a => a.Scheme == "https"));
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static object Grain(string id) => new { id, title = $"Grain {id}", appId = "app", appVersion = 1, storageBytes = 1000 };

    private static async Task ServeAsync(string id, HttpContext context, byte[] backup)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        switch (id)
        {
            case "good" or "foreign":
                response.ContentLength = backup.Length;
                await response.Body.WriteAsync(backup, ct);
                break;
            case "truncated":
                // Declares the whole backup, sends half, and hangs up.
                response.ContentLength = backup.Length;
                await response.Body.WriteAsync(backup.AsMemory(0, backup.Length / 2), ct);
                await response.Body.FlushAsync(ct);
                // Returning with bytes missing makes Kestrel close the connection once what was written has gone out.
                break;
            case "flipped":
                var copy = (byte[])backup.Clone();
                copy[copy.Length / 2] ^= 0x40;
                response.ContentLength = copy.Length;
                await response.Body.WriteAsync(copy, ct);
                break;
            case "endless":
                var chunk = Encoding.ASCII.GetBytes(new string('x', 1 << 20));
                for (var i = 0; i < EndlessChunks && !ct.IsCancellationRequested; i++)
                {
                    await response.Body.WriteAsync(chunk, ct);
                }

                break;
            default:
                // Declares a terabyte; a client that believed it would fill its disk.
                response.ContentLength = 1L << 40;
                await response.Body.WriteAsync(backup, ct);
                await response.Body.FlushAsync(ct);
                break;
        }
    }
}
