using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Server.Accounts;

namespace Outpost.Server.AccessLog;

/// <summary>
/// Read-only HTTP API for the access log: <c>GET /api/grains/{id}/log</c> for a grain's owner and
/// <c>GET /api/admin/log</c> for admins, as JSON pages or a whole CSV/JSON export. There is deliberately no way to
/// change or delete entries.
/// </summary>
internal static class AccessLogApi
{
    public static RouteGroupBuilder MapAccessLogApi(this RouteGroupBuilder api)
    {
        api.MapGet("/grains/{id}/log", GrainLogAsync).RequireAuthorization();
        api.MapGet("/admin/log", (HttpContext context, OutpostDbContext db, CancellationToken ct) => RespondAsync(context, db, grainId: null, ct))
            .RequireAuthorization("admin");
        return api;
    }

    private static async Task<IResult> GrainLogAsync(string id, HttpContext context, ClaimsPrincipal user, OutpostDbContext db, CancellationToken ct)
    {
        // Only the owner (and admins) read a grain's log: people it is shared with do not see each other's visits.
        var owner = await db.Grains.Where(g => g.Id == id).Select(g => g.OwnerId).FirstOrDefaultAsync(ct);
        if (owner is null || (owner != user.AccountId() && !user.IsAdmin()))
        {
            return TypedResults.Problem(title: "No such grain", detail: $"There is no grain {id} whose log you can read. Only a grain's owner sees its access log.",
                statusCode: StatusCodes.Status404NotFound);
        }

        return await RespondAsync(context, db, id, ct);
    }

    private static async Task<IResult> RespondAsync(HttpContext context, OutpostDbContext db, string? grainId, CancellationToken ct)
    {
        var format = context.Request.Query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return BadFilter("'format' is json (a page, the default) or csv (an export).");
        }

        var export = format == "csv" || context.Request.Query.ContainsKey("export");
        if (AccessLogFilter.TryParse(context.Request.Query, export ? AccessLogFilter.MaxExport : AccessLogFilter.MaxPage, out var filter) is { } error)
        {
            return BadFilter(error);
        }

        // The grain in the path wins over any ?grain= a caller adds.
        filter = filter with { GrainId = grainId ?? filter.GrainId };
        var query = filter.Views(db);
        var name = grainId is null ? "outpost-access-log" : $"access-log-{grainId}";
        if (format == "csv")
        {
            return Results.Stream(stream => AccessLogCsv.WriteAsync(stream, query.AsAsyncEnumerable(), ct), "text/csv; charset=utf-8", $"{name}.csv");
        }

        if (export)
        {
            return Results.Stream(
                stream => JsonSerializer.SerializeAsync(stream, query.AsAsyncEnumerable(), JsonSerializerOptions.Web, ct), "application/json", $"{name}.json");
        }

        return TypedResults.Ok(await query.ToListAsync(ct));
    }

    private static IResult BadFilter(string detail) =>
        TypedResults.Problem(title: "Invalid log filter", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
