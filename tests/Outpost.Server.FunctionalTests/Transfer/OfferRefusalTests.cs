using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Sharing;
using Outpost.Server.Transfer;
using static Outpost.Server.FunctionalTests.Transfer.TransferSteps;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>What the offering server refuses: tokens that do not work, grains outside the offer, guessing.</summary>
public sealed class OfferRefusalTests
{
    [Fact]
    public async Task ExportEndpoints_RefuseBadTokensAndOtherPeoplesGrains_AndThrottleGuessing()
    {
        await using var host = await OutpostHost.StartAsync();
        var mine = await SharingSteps.NotesGrainAsync(host);
        var person = await SharingSteps.PersonAsync(host, "Grace Hopper");
        using var theirs = await person.Api.PostAsJsonAsync("api/grains", new Server.Grains.CreateGrainRequest { AppId = (await host.GrainAsync(mine)).AppId, Title = "Not yours" });
        var theirsId = (await theirs.Content.ReadFromJsonAsync<Server.Grains.GrainSummary>())!.Id;

        using (var foreign = await host.Api.PostAsJsonAsync("api/transfers", new CreateOfferRequest { GrainIds = [theirsId] }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
            Assert.Contains($"no grain {theirsId} of yours", await foreign.Content.ReadAsStringAsync());
        }

        var offer = await OfferAsync(host.Api);
        using var export = ExportClient(host, offer.Token);
        var listed = (await export.GetFromJsonAsync<OfferedGrains>("api/transfer/grains"))!;
        Assert.Equal([mine], listed.Grains.Select(g => g.Id));
        Assert.Equal(offer.Offer.Id, listed.OfferId);
        await AssertRefusedAsync(export, $"api/transfer/grains/{theirsId}/backup", HttpStatusCode.NotFound, "not part of this transfer offer");

        // The other server cannot trash what it never copied, nor send a malformed report.
        using (var unexported = await export.PostAsJsonAsync("api/transfer/complete", new CompleteRequest { GrainIds = [mine, theirsId], RemoveSource = true }))
        {
            Assert.Equal(0, (await unexported.Content.ReadFromJsonAsync<CompleteResult>())!.Trashed);
        }

        Assert.Null((await host.GrainAsync(mine)).TrashedAt);
        using (var malformed = await export.PostAsync("api/transfer/complete", new StringContent("{\"grainIds\": 5}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        await AssertTokenRefusedAsync(host, SecretToken.NewLong(), "No transfer offer has this token");
        await AssertTokenRefusedAsync(host, "abc", "not a transfer token");

        var cancelled = await OfferAsync(host.Api);
        using (var cancel = await host.Api.DeleteAsync($"api/transfers/{cancelled.Offer.Id}"))
        {
            await Ensure.SuccessAsync(cancel);
        }

        await AssertTokenRefusedAsync(host, cancelled.Token, "cancelled by its owner");

        var expired = await OfferAsync(host.Api);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            var row = await db.TransferOffers.SingleAsync(o => o.Id == expired.Offer.Id);
            db.Entry(row).Property(o => o.ExpiresAt).CurrentValue = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
            // Only the hash is kept.
            Assert.Equal(SecretToken.Hash(expired.Token), row.TokenHash);
            Assert.DoesNotContain(await db.TransferOffers.Select(o => o.TokenHash).ToListAsync(), h => h == expired.Token);
        }

        await AssertTokenRefusedAsync(host, expired.Token, "expired");

        // A disabled account's offers stop working with it.
        using var theirOffer = await person.Api.PostAsJsonAsync("api/transfers", new CreateOfferRequest());
        var theirToken = (await theirOffer.Content.ReadFromJsonAsync<OfferCreated>())!.Token;
        using (var disable = await host.Api.PatchAsJsonAsync($"api/users/{person.Account.Id}", new Server.Accounts.UpdateAccountRequest { Disabled = true }))
        {
            await Ensure.SuccessAsync(disable);
        }

        await AssertTokenRefusedAsync(host, theirToken, "is disabled on this server");

        // Wrong tokens so far: 5. After the limit, even the right token waits for the minute to pass.
        HttpStatusCode status = default;
        for (var i = 0; i < TransferGuessLimit.PermitLimit + 1 && status != HttpStatusCode.TooManyRequests; i++)
        {
            using var guess = ExportClient(host, SecretToken.NewLong());
            using var response = await guess.GetAsync("api/transfer/grains");
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        await AssertRefusedAsync(export, "api/transfer/grains", HttpStatusCode.TooManyRequests, "wrong transfer tokens");
    }

    private static async Task AssertTokenRefusedAsync(OutpostHost host, string token, string reason)
    {
        using var client = ExportClient(host, token);
        await AssertRefusedAsync(client, "api/transfer/grains", HttpStatusCode.Unauthorized, reason);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string path, HttpStatusCode status, string reason)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }
}
