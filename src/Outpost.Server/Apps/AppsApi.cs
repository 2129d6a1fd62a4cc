using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Apps;
using Outpost.Packaging;
using Outpost.Server.Hosting;

namespace Outpost.Server.Apps;

/// <summary>HTTP API for installed apps: <c>/api/apps</c>.</summary>
internal static class AppsApi
{
    public static RouteGroupBuilder MapAppsApi(this RouteGroupBuilder api)
    {
        var apps = api.MapGroup("/apps").RequireAuthorization();
        apps.MapGet("/", ListAsync);
        apps.MapPost("/", InstallAsync).RequireAuthorization("user");
        apps.MapGet("/{appId}", GetAsync);
        apps.MapDelete("/{appId}", RemoveAsync).RequireAuthorization("admin");
        return api;
    }

    private static async Task<Ok<List<AppSummary>>> ListAsync(OutpostDbContext db, CancellationToken ct)
    {
        var apps = await db.Apps.AsNoTracking().ToListAsync(ct);
        var counts = await db.Grains.GroupBy(g => g.AppId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return TypedResults.Ok(apps.OrderBy(a => a.Title, StringComparer.OrdinalIgnoreCase)
            .Select(a => ToSummary(a, counts.GetValueOrDefault(a.AppId))).ToList());
    }

    private static async Task<Results<Ok<AppSummary>, NotFound>> GetAsync(string appId, OutpostDbContext db, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct);
        return app is null ? TypedResults.NotFound() : TypedResults.Ok(ToSummary(app, await db.Grains.CountAsync(g => g.AppId == appId, ct)));
    }

    /// <summary>Body: the raw <c>.opk</c> bytes (Content-Type application/octet-stream).</summary>
    private static async Task<IResult> InstallAsync(HttpRequest request, AppInstaller installer, DataPaths paths, PackageLimits limits, CancellationToken ct)
    {
        var upload = paths.NewTempPath("upload") + ".opk";
        try
        {
            if (!await UploadSaver.TrySaveAsync(request, upload, limits.MaxPackageBytes, ct))
            {
                return TypedResults.Problem(
                    title: "Package too large",
                    detail: $"Packages may be at most {limits.MaxPackageBytes / (1024 * 1024)} MiB.",
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var app = await installer.InstallAsync(upload, ct);
            return TypedResults.Created($"/api/apps/{app.AppId}", ToSummary(app, 0));
        }
        catch (PackageException e)
        {
            return TypedResults.Problem(title: "Invalid package", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (AppConflictException e)
        {
            return TypedResults.Problem(title: "Cannot install this version", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        finally
        {
            File.Delete(upload);
        }
    }

    private static async Task<IResult> RemoveAsync(string appId, AppInstaller installer, CancellationToken ct)
    {
        try
        {
            return await installer.RemoveAsync(appId, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
        }
        catch (AppConflictException e)
        {
            return TypedResults.Problem(title: "App in use", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    internal static AppSummary ToSummary(InstalledApp app, int grainCount)
    {
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson));
        return new AppSummary
        {
            AppId = app.AppId,
            Title = app.Title,
            Version = app.Version,
            MarketingVersion = app.MarketingVersion,
            Description = manifest.Metadata?.Description,
            Actions = manifest.Actions.Select(a => new AppActionSummary(a.Id, a.Title)).ToList(),
            InstalledAt = app.InstalledAt,
            GrainCount = grainCount,
            PinnedVersion = app.PinnedVersion,
        };
    }
}
