using System.Net.Http.Json;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>Using the notes sample app through a session, as its page does.</summary>
internal static class NotesSteps
{
    public static async Task CreateNoteAsync(BrowserClient browser, Uri origin, string title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(origin, "api/notes")) { Content = JsonContent.Create(new { title, body = "text" }) };
        request.Headers.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        using var response = await browser.Http.SendAsync(request);
        await Ensure.SuccessAsync(response);
    }

    /// <summary>The notes list as JSON text; starts the grain if it is stopped.</summary>
    public static async Task<string> ListAsync(BrowserClient browser, Uri origin)
    {
        using var response = await browser.Http.GetAsync(new Uri(origin, "api/notes"));
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadAsStringAsync();
    }
}
