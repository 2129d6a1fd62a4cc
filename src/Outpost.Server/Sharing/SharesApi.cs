using System.Security.Claims;
using Outpost.Server.Hosting;

namespace Outpost.Server.Sharing;

/// <summary>HTTP API for sharing: <c>/api/grains/{id}/shares</c>, <c>/api/grains/{id}/access</c> and <c>/api/shares</c>.</summary>
internal static class SharesApi
{
    public static RouteGroupBuilder MapSharesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/grains/{id}/shares", (string id, CreateShareRequest request, HttpContext context, ShareService shares, CancellationToken ct) =>
            AnswerAsync(async () =>
            {
                var created = await shares.CreateAsync(id, request, context, ct);
                return TypedResults.Created($"/api/shares/{created.Id}", created);
            })).RequireAuthorization();
        api.MapGet("/grains/{id}/access", (string id, ClaimsPrincipal user, ShareService shares, CancellationToken ct) =>
            AnswerAsync(async () => TypedResults.Ok(await shares.AccessAsync(id, user, ct)))).RequireAuthorization();
        api.MapDelete("/shares/{shareId}", (string shareId, HttpContext context, ShareService shares, CancellationToken ct) =>
            AnswerAsync(async () =>
            {
                await shares.RevokeAsync(shareId, context, ct);
                return TypedResults.NoContent();
            })).RequireAuthorization();
        api.MapPatch("/shares/{shareId}", (string shareId, ChangeShareRequest request, HttpContext context, ShareService shares, CancellationToken ct) =>
            AnswerAsync(async () =>
            {
                await shares.ChangeRoleAsync(shareId, request.Role, context, ct);
                return TypedResults.NoContent();
            })).RequireAuthorization();

        // Anonymous on purpose: links work without an account. Guessing a 128-bit token is hopeless, and the
        // rate limit keeps it that way.
        api.MapPost("/shares/open", (OpenLinkRequest request, HttpContext context, ShareService shares, CancellationToken ct) =>
            AnswerAsync(async () => TypedResults.Ok((await shares.OpenLinkAsync(request.Token, context, ct)).Session)))
            .AllowAnonymous().RequireRateLimiting(RateLimits.Auth);
        return api;
    }

    private static async Task<IResult> AnswerAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ShareRequestException e)
        {
            return TypedResults.Problem(title: e.Title, detail: e.Detail, statusCode: e.Status);
        }
    }
}
