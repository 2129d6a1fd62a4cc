using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Packaging;
using Outpost.Server.Hosting;

namespace Outpost.Server.Apps;

/// <summary><c>GET /apps/{appId}/icon</c>: the icon an app's manifest names, for the shell's lists.</summary>
internal static class AppIconEndpoint
{
    public static WebApplication MapAppIcons(this WebApplication app)
    {
        app.MapGet("/apps/{appId}/icon", ServeAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> ServeAsync(string appId, OutpostDbContext db, DataPaths paths, HttpContext context, CancellationToken ct)
    {
        var installed = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct);
        if (installed is null)
        {
            return TypedResults.NotFound();
        }

        var icon = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(installed.ManifestJson)).Metadata.Icon;
        var contentType = Path.GetExtension(icon)?.ToLowerInvariant() switch
        {
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            _ => null,
        };
        var file = icon is null || contentType is null ? null : Resolve(paths.AppRoot(installed.AppId, installed.Version), icon);
        if (file is null)
        {
            return TypedResults.NotFound();
        }

        // An SVG opened directly (not through <img>) would run its scripts on the shell's origin: the sandbox
        // policy gives it an opaque origin and no scripts, whatever the package contains.
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, max-age=86400";
        return TypedResults.PhysicalFile(file, contentType!);
    }

    /// <summary>
    /// The icon's path inside the unpacked package, or null when it is missing or leaves the package. Installation
    /// already refuses escaping paths and links; this check keeps the endpoint safe on its own.
    /// </summary>
    private static string? Resolve(string root, string iconPath)
    {
        var fullRoot = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, iconPath.TrimStart('/')));
        if (!full.StartsWith(fullRoot, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        var info = new FileInfo(full);
        if (info.LinkTarget is not null || info.Length > 1024 * 1024)
        {
            return null; // symlinked or oversized icons are not worth the risk of serving
        }

        // A directory on the way could be a link too.
        for (var dir = info.Directory; dir is not null && dir.FullName.Length + 1 > fullRoot.Length; dir = dir.Parent)
        {
            if (dir.LinkTarget is not null)
            {
                return null;
            }
        }

        return full;
    }
}
