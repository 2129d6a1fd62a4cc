using Microsoft.AspNetCore.Http.HttpResults;
using Outpost.Data;
using Outpost.Data.Catalogs;
using Outpost.Packaging;
using Outpost.Server.Apps;
using Outpost.Server.Updates;

namespace Outpost.Server.Catalogs;

/// <summary>HTTP API for catalogs (<c>/api/catalogs</c>) and app pins (<c>/api/apps/{id}/pin</c>).</summary>
internal static class CatalogsApi
{
    public static RouteGroupBuilder MapCatalogsApi(this RouteGroupBuilder api)
    {
        var catalogs = api.MapGroup("/catalogs").RequireAuthorization();
        catalogs.MapGet("/", ListAsync).RequireAuthorization("admin");
        catalogs.MapPost("/", SubscribeAsync).RequireAuthorization("admin");
        catalogs.MapDelete("/{id:int}", UnsubscribeAsync).RequireAuthorization("admin");
        catalogs.MapPost("/check", CheckAsync).RequireAuthorization("admin");
        catalogs.MapGet("/apps", (CatalogService service, CancellationToken ct) => service.ListAppsAsync(ct));
        catalogs.MapPost("/install", InstallAsync).RequireAuthorization("user");
        api.MapPut("/apps/{appId}/pin", PinAsync).RequireAuthorization("admin");
        api.MapDelete("/apps/{appId}/pin", UnpinAsync).RequireAuthorization("admin");
        return api;
    }

    private static async Task<Ok<List<CatalogSummary>>> ListAsync(CatalogService service, CancellationToken ct) =>
        TypedResults.Ok((await service.ListAsync(ct)).Select(ToSummary).ToList());

    private static async Task<IResult> SubscribeAsync(SubscribeRequest request, CatalogService service, CancellationToken ct)
    {
        try
        {
            var subscription = await service.SubscribeAsync(request.Url, request.Key, ct);
            return TypedResults.Created($"/api/catalogs/{subscription.Id}", ToSummary(subscription));
        }
        catch (CatalogException e)
        {
            return TypedResults.Problem(title: "Catalog refused", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> UnsubscribeAsync(int id, CatalogService service, CancellationToken ct) =>
        await service.UnsubscribeAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<CatalogCheckReport>> CheckAsync(CatalogService service, CancellationToken ct) =>
        TypedResults.Ok(await service.CheckAsync(ct));

    private static async Task<IResult> InstallAsync(CatalogInstallRequest request, CatalogService service, CancellationToken ct)
    {
        try
        {
            var app = await service.InstallAsync(request.AppId, ct);
            return TypedResults.Created($"/api/apps/{app.AppId}", AppsApi.ToSummary(app, 0));
        }
        catch (Exception e) when (e is CatalogException or PackageException)
        {
            return TypedResults.Problem(title: "Package refused", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (AppConflictException e)
        {
            return TypedResults.Problem(title: "Cannot install this version", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<IResult> PinAsync(string appId, PinRequest request, OutpostDbContext db, CancellationToken ct) =>
        ToResult(await AppPins.SetAsync(db, appId, request.Version, ct));

    private static async Task<IResult> UnpinAsync(string appId, OutpostDbContext db, CancellationToken ct) =>
        ToResult(await AppPins.SetAsync(db, appId, null, ct));

    private static IResult ToResult((AppPins.Result Result, string Message) outcome) => outcome.Result switch
    {
        AppPins.Result.Done => TypedResults.NoContent(),
        AppPins.Result.NoSuchApp => TypedResults.NotFound(),
        _ => TypedResults.Problem(title: "Version not installed", detail: outcome.Message, statusCode: StatusCodes.Status400BadRequest),
    };

    private static CatalogSummary ToSummary(CatalogSubscription c) => new()
    {
        Id = c.Id,
        Url = c.Url,
        KeyId = c.KeyId,
        Title = c.Title,
        PublishedAt = c.PublishedAt,
        CheckedAt = c.CheckedAt,
        LastError = c.LastError,
    };
}
