using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.RealApps;

/// <summary>
/// TiddlyWiki from npm, unmodified, in the real sandbox behind a real session host, driven through its own HTTP API
/// (the one its browser client uses): editors save, viewers read but cannot save, and tiddlers outlive a restart.
/// </summary>
public sealed class TiddlyWikiTests
{
    [Fact]
    public async Task Wiki_EditorSavesViewerCannot_AndTiddlersSurviveRestart()
    {
        await using var host = await OutpostHost.StartAsync();
        using var grain = await RealAppSteps.GrainWithViewerAsync(host, RealAppPackages.TiddlyWikiAsync(), "Team wiki");

        using var page = await grain.Owner.Http.GetAsync(grain.OwnerOrigin);
        using var saved = await PutTiddlerAsync(grain.Owner, grain.OwnerOrigin, "Meeting notes", "Decided: ship on Friday");
        using var refused = await PutTiddlerAsync(grain.Bob.Browser, grain.BobOrigin, "Meeting notes", "Bob was here", forgeWriter: true);
        var bobReads = await GetTiddlerAsync(grain.Bob.Browser, grain.BobOrigin, "Meeting notes");
        var ownerStatus = await GetJsonAsync(grain.Owner, grain.OwnerOrigin, "status");
        var bobStatus = await GetJsonAsync(grain.Bob.Browser, grain.BobOrigin, "status");

        await Ensure.SuccessAsync(page);
        Assert.Contains("TiddlyWiki", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Ensure.SuccessAsync(saved);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Decided: ship on Friday", bobReads.GetProperty("text").GetString());
        // The wiki's own client reads /status to decide whether to offer editing at all.
        Assert.False(ownerStatus.GetProperty("read_only").GetBoolean());
        Assert.False(ownerStatus.GetProperty("anonymous").GetBoolean());
        Assert.True(bobStatus.GetProperty("read_only").GetBoolean());

        // TiddlyWiki answers a save at once and writes the .tid file from its sync queue about a second later; a
        // grain stopped within that second (the app gets no chance to flush) would lose it, so the restart waits
        // until the wiki has written it, as any stop after the idle timeout does.
        var tiddlerFile = Path.Combine(host.Paths.GrainStorage(grain.GrainId), "wiki", "tiddlers", "Meeting notes.tid");
        await Wait.UntilAsync(() => Task.FromResult(File.Exists(tiddlerFile)), TimeSpan.FromSeconds(30), "the wiki to write the tiddler to disk");
        await host.StopGrainAsync(grain.GrainId);
        var afterRestart = await GetTiddlerAsync(grain.Owner, grain.OwnerOrigin, "Meeting notes");

        Assert.Equal("Decided: ship on Friday", afterRestart.GetProperty("text").GetString());
        Assert.True(File.Exists(tiddlerFile));
    }

    // TiddlyWiki's save call: a PUT its CSRF check accepts only with X-Requested-With.
    private static async Task<HttpResponseMessage> PutTiddlerAsync(BrowserClient browser, Uri origin, string title, string text, bool forgeWriter = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(origin, "recipes/default/tiddlers/" + Uri.EscapeDataString(title)))
        {
            Content = JsonContent.Create(new { title, text, type = "text/vnd.tiddlywiki" }),
        };
        request.Headers.Add("X-Requested-With", "TiddlyWiki");
        if (forgeWriter)
        {
            request.Headers.Add("X-Outpost-Wiki-Writer", "Bob");
        }

        return await browser.Http.SendAsync(request);
    }

    private static Task<JsonElement> GetTiddlerAsync(BrowserClient browser, Uri origin, string title) =>
        GetJsonAsync(browser, origin, "recipes/default/tiddlers/" + Uri.EscapeDataString(title));

    private static async Task<JsonElement> GetJsonAsync(BrowserClient browser, Uri origin, string path)
    {
        using var response = await browser.Http.GetAsync(new Uri(origin, path));
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
