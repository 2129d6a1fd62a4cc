using System.Net;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>The WebAssembly probe's <c>/storage</c>: PUT stores the body in the grain's storage.</summary>
internal static class ProbeStorage
{
    public static async Task PutAsync(BrowserClient browser, Uri origin, string text)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(origin, "storage")) { Content = new StringContent(text) };
        put.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        using var stored = await browser.Http.SendAsync(put);
        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
    }
}
