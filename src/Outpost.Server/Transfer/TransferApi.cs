using System.Security.Claims;
using Microsoft.Extensions.Options;
using Outpost.Server.Accounts;
using Outpost.Server.Hosting;

namespace Outpost.Server.Transfer;

/// <summary>
/// The signed-in side of moving grains: offers on the server the grains leave (<c>/api/transfers</c>) and pulls on
/// the server they go to (<c>/api/transfers/pulls</c>).
/// </summary>
internal static class TransferApi
{
    public static RouteGroupBuilder MapTransferApi(this RouteGroupBuilder api)
    {
        var transfers = api.MapGroup("/transfers").RequireAuthorization();
        transfers.MapPost("/", CreateAsync);
        transfers.MapGet("/", async (ClaimsPrincipal user, TransferOffers offers, CancellationToken ct) => TypedResults.Ok(await offers.ListAsync(user.AccountId(), ct)));
        transfers.MapDelete("/{id}", CancelAsync);
        transfers.MapPost("/pulls", Pull).RequireAuthorization("user");
        transfers.MapGet("/pulls/{id}", (string id, ClaimsPrincipal user, TransferPulls pulls) =>
            pulls.Find(id, user.AccountId()) is { } status ? Results.Ok(status) : Problem("No such pull", $"There is no pull {id} of yours (finished pulls are kept for an hour).", StatusCodes.Status404NotFound));
        return api;
    }

    private static async Task<IResult> CreateAsync(
        CreateOfferRequest request, HttpContext context, ClaimsPrincipal user, TransferOffers offers, IOptions<OutpostOptions> outpost, CancellationToken ct)
    {
        try
        {
            var (offer, token) = await offers.CreateAsync(user.AccountId(), request, ct);
            var here = outpost.Value.BaseUrl is { Length: > 0 } baseUrl ? baseUrl.TrimEnd('/') : $"{context.Request.Scheme}://{context.Request.Host}";
            return TypedResults.Created($"/api/transfers/{offer.Id}", new OfferCreated
            {
                Offer = offer,
                Token = token,
                Command = $"OUTPOST_TRANSFER_TOKEN=<the token> outpost transfer pull {here} --server <the receiving server>",
            });
        }
        catch (TransferException e)
        {
            return Problem("Cannot make the offer", e.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> CancelAsync(string id, ClaimsPrincipal user, TransferOffers offers, CancellationToken ct) =>
        await offers.CancelAsync(user.AccountId(), id, ct)
            ? TypedResults.NoContent()
            : Problem("No such offer", $"There is no transfer offer {id} of yours. See 'outpost transfer list'.", StatusCodes.Status404NotFound);

    private static IResult Pull(PullRequest request, ClaimsPrincipal user, TransferPulls pulls)
    {
        try
        {
            var status = pulls.Start(request, user.AccountId(), user.IsAdmin());
            return TypedResults.Accepted($"/api/transfers/pulls/{status.Id}", status);
        }
        catch (TransferException e)
        {
            return Problem("Cannot pull the grains", e.Message, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Problem(string title, string detail, int status) => TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
