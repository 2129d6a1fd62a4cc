using System.Net;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Accounts;

/// <summary>Guessing pages (sign-in, setup and invitation links) are rate-limited per client address.</summary>
public sealed class RateLimitTests
{
    [Theory]
    [InlineData("/login")]
    [InlineData("/setup/00000000000000000000000000000000")]
    [InlineData("/invite/00000000000000000000000000000000")]
    public async Task GuessingPage_PastTheLimit_Returns429WithAnExplanation(string path)
    {
        await using var host = await OutpostHost.StartAsync();
        using var browser = host.Browser();
        var statuses = new List<HttpStatusCode>();
        string lastBody = "";

        // The policy allows 20 a minute; the 21st within the window must be refused.
        for (var i = 0; i < 21; i++)
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, path));
            statuses.Add(response.StatusCode);
            lastBody = await response.Content.ReadAsStringAsync();
        }

        Assert.All(statuses.Take(20), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Contains("Too many attempts", lastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdinaryPages_AreNotLimitedByTheSignInPolicy()
    {
        await using var host = await OutpostHost.StartAsync();
        using var browser = host.Browser();

        for (var i = 0; i < 30; i++)
        {
            using var response = await browser.Http.GetAsync(new Uri(host.BaseUrl, "healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
