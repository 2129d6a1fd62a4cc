using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Outpost.Server.Catalogs;

/// <summary>
/// Serves the folder in <see cref="CatalogOptions.PublishDir"/> at <c>/.well-known/outpost/</c>: the catalog at
/// <c>catalog.json</c> and the packages beside it, to anyone (a catalog is public; its signature makes it safe).
/// Only .json and .opk files are served, and nothing outside the folder.
/// </summary>
internal static class CatalogPublishing
{
    public const string Path = "/.well-known/outpost";

    public static WebApplication UseCatalogPublishing(this WebApplication app)
    {
        var folder = app.Services.GetRequiredService<IOptions<CatalogOptions>>().Value.PublishDir;
        if (string.IsNullOrEmpty(folder))
        {
            return app;
        }

        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"Outpost:Catalogs:PublishDir '{folder}' does not exist; make it with 'outpost catalog build DIR --key KEY'.");
        }

        var types = new FileExtensionContentTypeProvider(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".json"] = "application/json",
            [".opk"] = "application/octet-stream",
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(System.IO.Path.GetFullPath(folder)),
            RequestPath = Path,
            ContentTypeProvider = types,
            ServeUnknownFileTypes = false,
        });
        return app;
    }
}
