using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Outpost.ShellBench;

/// <summary>Timings of one page fetched again and again by a signed-in client, one request at a time.</summary>
internal sealed record PageTimings(string Path, double[] FirstByteMs, double[] CompleteMs, long Bytes, int GrainsRendered);

/// <summary>
/// Server-side render time: a plain HTTP client with the browser's auth cookie fetches the page sequentially, so
/// each figure is the server's work plus loopback, not the browser's. Timed after untimed warm-up requests (JIT, caches).
/// </summary>
internal static partial class RenderTiming
{
    public static async Task<PageTimings> MeasureAsync(Uri baseUrl, string path, string cookieHeader, int warmup, int requests)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUrl };
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        client.DefaultRequestHeaders.Add("Accept", "text/html");

        var firstByte = new double[requests];
        var complete = new double[requests];
        var html = "";
        for (var i = -warmup; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            var headers = Stopwatch.GetElapsedTime(start);
            html = await response.Content.ReadAsStringAsync();
            var done = Stopwatch.GetElapsedTime(start);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}; is the cookie signed in?");
            }

            if (i >= 0)
            {
                firstByte[i] = headers.TotalMilliseconds;
                complete[i] = done.TotalMilliseconds;
            }
        }

        return new PageTimings(path, firstByte, complete, System.Text.Encoding.UTF8.GetByteCount(html), GrainRegex().Count(html));
    }

    [GeneratedRegex("data-grain-id=\"")]
    private static partial Regex GrainRegex();
}
