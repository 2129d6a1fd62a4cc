using System.Net.Http.Json;
using Outpost.Server.Transfer;

namespace Outpost.Cli.Api;

/// <summary>Moving grains between servers: offers on the server they leave, pulls on the one they go to.</summary>
public sealed partial class OutpostClient
{
    public Task<OfferCreated> CreateTransferOfferAsync(CreateOfferRequest request, CancellationToken ct) =>
        SendAsync<OfferCreated>(new(HttpMethod.Post, "api/transfers") { Content = JsonContent.Create(request, options: Json) }, ct);

    public Task<List<OfferSummary>> ListTransferOffersAsync(CancellationToken ct) => SendAsync<List<OfferSummary>>(new(HttpMethod.Get, "api/transfers"), ct);

    public Task CancelTransferOfferAsync(string offerId, CancellationToken ct) =>
        SendAsync(new(HttpMethod.Delete, $"api/transfers/{Uri.EscapeDataString(offerId)}"), ct);

    public Task<PullStatus> StartPullAsync(PullRequest request, CancellationToken ct) =>
        SendAsync<PullStatus>(new(HttpMethod.Post, "api/transfers/pulls") { Content = JsonContent.Create(request, options: Json) }, ct);

    public Task<PullStatus> PullStatusAsync(string pullId, CancellationToken ct) =>
        SendAsync<PullStatus>(new(HttpMethod.Get, $"api/transfers/pulls/{Uri.EscapeDataString(pullId)}"), ct);
}
