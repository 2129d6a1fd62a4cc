using System.Net;
using System.Text.RegularExpressions;
using Outpost.Server.FunctionalTests.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Transfer.TransferSteps;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>The account page's "Move to another server" card, posted as a browser posts it.</summary>
public sealed partial class TransferCardTests
{
    [Fact]
    public async Task AccountPage_OffersAllGrains_ShowsTheTokenOnce_AndCancelsTheOffer()
    {
        await using var host = await OutpostHost.StartAsync();
        var ada = await TestAccounts.SetUpAdminAsync(host);
        using var browser = await TestAccounts.SignInAsync(host, ada);
        var account = new Uri(host.BaseUrl, "account");
        var page = await browser.Http.GetStringAsync(account);

        using var made = await browser.Http.PostAsync(account, new FormUrlEncodedContent(TestAccounts.FormFields(page, "transfer-offer-form")));

        await Ensure.SuccessAsync(made);
        var shown = await made.Content.ReadAsStringAsync();
        var token = TokenRegex().Match(shown).Groups["token"].Value;
        Assert.Matches("^[0-9a-f]{64}$", token);
        using (var export = ExportClient(host, token))
        using (var listed = await export.GetAsync("api/transfer/grains"))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        page = await browser.Http.GetStringAsync(account);
        Assert.DoesNotContain(token, page);
        var offerId = OfferIdRegex().Match(page).Groups["id"].Value;
        using var cancel = await browser.Http.PostAsync(account, new FormUrlEncodedContent(TestAccounts.FormFields(page, $"transfer-cancel-{offerId}")));
        await Ensure.SuccessAsync(cancel);

        using var refused = ExportClient(host, token);
        using var response = await refused.GetAsync("api/transfer/grains");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("cancelled by its owner", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("data-transfer-token>(?<token>[^<]+)<")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("id=\"transfer-cancel-(?<id>[0-9a-f]+)\"")]
    private static partial Regex OfferIdRegex();
}
