using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Transfer;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>Offering and pulling grains through the HTTP API, as the command line does.</summary>
internal static class TransferSteps
{
    public static async Task<OfferCreated> OfferAsync(HttpClient api, IReadOnlyList<string>? grainIds = null)
    {
        using var response = await api.PostAsJsonAsync("api/transfers", new CreateOfferRequest { GrainIds = grainIds });
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<OfferCreated>())!;
    }

    /// <summary>Starts a pull on <paramref name="target"/> and waits (at most two minutes) until it has ended.</summary>
    public static async Task<PullStatus> PullAsync(HttpClient target, Uri source, string token, bool removeSource = false)
    {
        using var response = await target.PostAsJsonAsync("api/transfers/pulls", new PullRequest { Url = source.ToString(), Token = token, RemoveSource = removeSource });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = (await response.Content.ReadFromJsonAsync<PullStatus>())!;
        await Wait.UntilAsync(async () =>
        {
            status = (await target.GetFromJsonAsync<PullStatus>($"api/transfers/pulls/{status.Id}"))!;
            return status.State != "running";
        }, TimeSpan.FromMinutes(2), "the pull to end");
        return status;
    }

    /// <summary>An HTTP client that presents <paramref name="token"/> to the offering server, as the receiving one does.</summary>
    public static HttpClient ExportClient(OutpostHost source, string token)
    {
        var client = new HttpClient { BaseAddress = source.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>Asserts <paramref name="host"/> holds no grain and remembers no transfer: nothing of a failed pull stayed.</summary>
    public static async Task AssertNothingArrivedAsync(OutpostHost host)
    {
        await Backups.BackupSteps.AssertNoGrainsAsync(host);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<OutpostDbContext>().TransferImports.ToListAsync());
    }
}
