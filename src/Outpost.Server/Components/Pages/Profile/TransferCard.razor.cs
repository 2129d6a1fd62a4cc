using Microsoft.AspNetCore.Components;
using Outpost.Server.Accounts;
using Outpost.Server.Transfer;

namespace Outpost.Server.Components.Pages.Profile;

/// <summary>The account page's "Move to another server" card: offers of all one's grains, made and cancelled here.</summary>
public partial class TransferCard
{
    private List<OfferSummary> _offers = [];
    private (string Token, OfferSummary Offer)? _created;
    private string? _error;

    [Inject]
    private TransferOffers Offers { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(Name = "offerId")]
    private string? OfferId { get; set; }

    private string Here => $"{HttpContext.Request.Scheme}://{HttpContext.Request.Host}";

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task OfferAsync()
    {
        try
        {
            var (offer, token) = await Offers.CreateAsync(HttpContext.User.AccountId(), new CreateOfferRequest(), HttpContext.RequestAborted);
            _created = (token, offer);
        }
        catch (TransferException e)
        {
            _error = e.Message;
        }

        await LoadAsync();
    }

    private async Task CancelAsync()
    {
        if (OfferId is null || !await Offers.CancelAsync(HttpContext.User.AccountId(), OfferId, HttpContext.RequestAborted))
        {
            _error = "There is no such offer of yours.";
        }

        await LoadAsync();
    }

    private async Task LoadAsync() =>
        _offers = (await Offers.ListAsync(HttpContext.User.AccountId(), HttpContext.RequestAborted)).Where(o => o.State is "active" or "completed").Take(10).ToList();
}
