using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Outpost.Packaging;
using Outpost.Packaging.Catalogs;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>
/// A plain web server on 127.0.0.1 serving a catalog folder, as any publisher's server would, plus
/// <c>/endless.opk</c>: a body without a length that goes on (up to 256 MiB) until the client stops reading, and
/// <c>/stalled.opk</c>: one byte, then nothing for up to a minute.
/// </summary>
internal sealed class CatalogSite : IAsyncDisposable
{
    private const int EndlessChunks = 256;
    private readonly WebApplication _app;

    private CatalogSite(WebApplication app, TempDir folder, Uri baseUrl)
    {
        _app = app;
        Folder = folder;
        BaseUrl = baseUrl;
    }

    public TempDir Folder { get; }

    public Uri BaseUrl { get; }

    public Uri CatalogUrl => new(BaseUrl, CatalogBuilder.FileName);

    public static async Task<CatalogSite> StartAsync()
    {
        var folder = new TempDir("catalog-site");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/endless.opk", async (HttpContext context) =>
        {
            var chunk = new byte[1 << 20];
            for (var i = 0; i < EndlessChunks && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/stalled.opk", async (HttpContext context) =>
        {
            await context.Response.Body.WriteAsync(new byte[1], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder.Path), ServeUnknownFileTypes = true });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CatalogSite(app, folder, new Uri(address + "/"));
    }

    /// <summary>Copies a package into the folder under <paramref name="name"/>.</summary>
    public string Add(string opkPath, string name)
    {
        var target = Path.Combine(Folder.Path, name);
        File.Copy(opkPath, target, overwrite: true);
        return target;
    }

    /// <summary>Builds and signs catalog.json from the packages in the folder, as <c>outpost catalog build</c> does.</summary>
    public Task PublishAsync(SigningKey key) => PublishAsync(Folder.Path, key);

    /// <summary>Builds and signs <paramref name="folder"/>/catalog.json from the packages in it, titled "Test catalog".</summary>
    public static async Task PublishAsync(string folder, SigningKey key) =>
        await File.WriteAllBytesAsync(Path.Combine(folder, CatalogBuilder.FileName), await CatalogBuilder.BuildAsync(folder, key, "Test catalog", TimeProvider.System));

    /// <summary>Writes <paramref name="catalog"/> signed by <paramref name="key"/>, whatever it claims.</summary>
    public Task WriteAsync(Catalog catalog, SigningKey key) =>
        File.WriteAllBytesAsync(Path.Combine(Folder.Path, CatalogBuilder.FileName), CatalogWriter.Write(catalog, key));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Folder.Dispose();
    }
}
