using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Server.Accounts;
using Outpost.Server.Sessions;

namespace Outpost.Server.Grains;

/// <summary>HTTP API for grains: <c>/api/grains</c>.</summary>
internal static class GrainsApi
{
    public static RouteGroupBuilder MapGrainsApi(this RouteGroupBuilder api)
    {
        var grains = api.MapGroup("/grains").RequireAuthorization();
        grains.MapGet("/", ListAsync);
        grains.MapPost("/", CreateAsync).RequireAuthorization("user");
        grains.MapPatch("/{id}", UpdateAsync);
        grains.MapPost("/{id}/trash", (string id, ClaimsPrincipal user, GrainManager service, CancellationToken ct) => SetTrashedAsync(id, true, user, service, ct));
        grains.MapPost("/{id}/restore", (string id, ClaimsPrincipal user, GrainManager service, CancellationToken ct) => SetTrashedAsync(id, false, user, service, ct));
        api.MapGet("/admin/grains", async (GrainManager service, CancellationToken ct) => TypedResults.Ok(await service.ListAllAsync(ct))).RequireAuthorization("admin");
        grains.MapGet("/{id}", GetAsync);
        grains.MapPost("/{id}/stop", StopAsync);
        grains.MapDelete("/{id}", DeleteAsync);
        grains.MapGet("/{id}/logs", LogsAsync);
        grains.MapPost("/{id}/sessions", OpenAsync);
        return api;
    }

    private static async Task<Ok<List<GrainSummary>>> ListAsync(ClaimsPrincipal user, GrainManager service, bool? trash, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(user.AccountId(), trash ?? false, ct));

    private static async Task<IResult> UpdateAsync(string id, UpdateGrainRequest request, ClaimsPrincipal user, GrainManager service, CancellationToken ct)
    {
        var grain = await service.FindOwnedAsync(id, user.AccountId(), isAdmin: false, ct);
        if (grain is null)
        {
            return NoSuchGrain(id);
        }

        try
        {
            if (request.Title is not null)
            {
                await service.RenameAsync(grain, request.Title, ct);
            }

            return TypedResults.NoContent();
        }
        catch (GrainRequestException e)
        {
            return TypedResults.Problem(title: "Cannot change the grain", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> SetTrashedAsync(string id, bool trashed, ClaimsPrincipal user, GrainManager service, CancellationToken ct)
    {
        var grain = await service.FindOwnedAsync(id, user.AccountId(), isAdmin: false, ct);
        if (grain is null)
        {
            return NoSuchGrain(id);
        }

        try
        {
            await service.SetTrashedAsync(grain, trashed, ct);
        }
        catch (GrainBusyException e)
        {
            return Busy(e);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(CreateGrainRequest request, ClaimsPrincipal user, GrainManager service, OutpostDbContext db, CancellationToken ct)
    {
        try
        {
            var grain = await service.CreateAsync(request, user.AccountId(), ct);
            var app = await db.Apps.FindAsync([grain.AppId], ct);
            return TypedResults.Created($"/api/grains/{grain.Id}", service.ToSummary(grain, app!.Title));
        }
        catch (GrainRequestException e)
        {
            return TypedResults.Problem(title: "Cannot create the grain", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, GrainManager service, OutpostDbContext db, CancellationToken ct)
    {
        var grain = await service.FindOwnedAsync(id, user.AccountId(), user.IsAdmin(), ct);
        if (grain is null)
        {
            return NoSuchGrain(id);
        }

        var app = await db.Apps.FindAsync([grain.AppId], ct);
        return TypedResults.Ok(service.ToSummary(grain, app?.Title ?? grain.AppId));
    }

    private static async Task<IResult> StopAsync(string id, ClaimsPrincipal user, GrainManager service, CancellationToken ct)
    {
        if (await service.FindOwnedAsync(id, user.AccountId(), user.IsAdmin(), ct) is null)
        {
            return NoSuchGrain(id);
        }

        await service.StopAsync(id);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string id, ClaimsPrincipal user, GrainManager service, CancellationToken ct)
    {
        var grain = await service.FindOwnedAsync(id, user.AccountId(), user.IsAdmin(), ct);
        if (grain is null)
        {
            return NoSuchGrain(id);
        }

        try
        {
            await service.DeleteAsync(grain, ct);
        }
        catch (GrainBusyException e)
        {
            return Busy(e);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> LogsAsync(string id, ClaimsPrincipal user, GrainManager service, CancellationToken ct)
    {
        if (await service.FindOwnedAsync(id, user.AccountId(), user.IsAdmin(), ct) is null)
        {
            return NoSuchGrain(id);
        }

        return TypedResults.Text(await service.ReadLogAsync(id, ct), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> OpenAsync(string id, HttpContext context, ClaimsPrincipal user, OutpostDbContext db, Sharing.GrainAccess access, SessionService sessions, CancellationToken ct)
    {
        // The owner, or someone a share reaches. Admins manage grains (stop, delete) but never see inside them.
        var accountId = user.AccountId();
        var result = await access.GetAsync(id, [Core.Sharing.Principal.Account(accountId)], ct);
        var grain = result.HasAccess ? await db.Grains.FirstOrDefaultAsync(g => g.Id == id, ct) : null;
        if (grain is null)
        {
            return NoSuchGrain(id);
        }

        if (grain.TrashedAt is not null)
        {
            return TypedResults.Problem(title: "This grain is in the trash", detail: "Restore it before opening it.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(await sessions.CreateAsync(grain, accountId, linkShareId: null, result, context.Request, ct));
    }

    private static ProblemHttpResult NoSuchGrain(string id) =>
        TypedResults.Problem(title: "No such grain", detail: $"There is no grain {id} that you can manage. See 'outpost grain list'.", statusCode: StatusCodes.Status404NotFound);

    private static IResult Busy(GrainBusyException e) =>
        TypedResults.Problem(title: "The grain is busy", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
}
