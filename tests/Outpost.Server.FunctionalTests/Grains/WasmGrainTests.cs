using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Grains;

namespace Outpost.Server.FunctionalTests.Grains;

/// <summary>A WebAssembly grain behind the same session host, sessions and identity as a native one.</summary>
public sealed class WasmGrainTests
{
    [Fact]
    public async Task WasmGrain_ThroughSessionHost_StoresEntriesUnderTheSignedInUserAndMetersGas()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.GuestbookAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId, "Visitors");
        var session = await host.OpenAsync(grain.Id);
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync(session.Url);

        using var sign = new HttpRequestMessage(HttpMethod.Post, origin)
        {
            Content = new FormUrlEncodedContent([new("message", "hello from a wasm grain")]),
        };
        sign.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        sign.Headers.Add("X-Outpost-User-Name", "Mallory");
        using var signed = await browser.Http.SendAsync(sign);
        using var page = await browser.Http.GetAsync(origin);
        var html = await page.Content.ReadAsStringAsync();
        await host.Services.GetRequiredService<GasMeter>().FlushAsync(CancellationToken.None);
        var after = await host.GrainAsync(grain.Id);

        Assert.Equal(HttpStatusCode.SeeOther, signed.StatusCode);
        Assert.Contains("hello from a wasm grain", html, StringComparison.Ordinal);
        Assert.Contains("Admin", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Mallory", html, StringComparison.Ordinal);
        Assert.True(Directory.EnumerateFiles(host.Paths.GrainStorage(grain.Id), "*", SearchOption.AllDirectories).Any(), "the entry was not written to the grain's storage");
        Assert.True(after.FuelUsed > 0, "no gas was recorded for the grain");
    }

    [Fact]
    public async Task WasmGrain_WithoutSessionCookie_Returns403()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.GuestbookAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var session = await host.OpenAsync(grain.Id);
        using var owner = host.Browser();
        var origin = await owner.RedeemAsync(session.Url);

        using var stranger = host.Browser();
        using var response = await stranger.Http.GetAsync(origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
