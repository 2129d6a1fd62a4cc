using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Outpost.Packaging.Catalogs;
using Outpost.Server.Apps;
using Outpost.Server.Hosting;
using Outpost.Server.Outbound;

namespace Outpost.Server.Catalogs;

/// <summary>
/// Fetches catalogs and packages from other servers. Everything is bounded: time, and bytes (the catalog limit, or
/// the exact size the signed catalog declares for a package; reading stops one buffer past it). A package is hashed
/// while it streams to a private temp file and refused unless it has exactly the catalog's size and SHA-256.
/// <para>
/// Where the bytes come from: the catalog's own server (scheme, host and port of the address the administrator
/// subscribed to) is reached wherever it is, a server on the local network included. Every other address — package
/// URLs on other hosts, and any redirect, since the catalog's publisher chooses those — must be on the public
/// internet, so a catalog cannot make this server fetch from its own machine's or network's services.
/// </para>
/// </summary>
internal sealed class CatalogDownloader(DataPaths paths, CatalogLimits limits, IOptions<CatalogOptions> options) : IDisposable
{
    private const int MaxRedirects = 5;

    // Redirects are followed by hand, each hop through the public-only client.
    private readonly HttpClient _catalogServer = NewClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });

    private readonly HttpClient _publicInternet = NewClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = PublicOnlyConnections.ConnectAsync,
    });

    /// <summary>The catalog file at <paramref name="url"/>, at most <see cref="CatalogLimits.MaxCatalogBytes"/> bytes.</summary>
    public async Task<byte[]> FetchCatalogAsync(Uri url, CancellationToken ct)
    {
        var path = paths.NewTempPath("catalog");
        try
        {
            await DownloadAsync(url, url, path, limits.MaxCatalogBytes, null, options.Value.CatalogTimeout,
                $"the catalog at {url} is larger than {limits.MaxCatalogBytes} bytes; refused", ct);
            return await File.ReadAllBytesAsync(path, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Downloads a package listed by the catalog at <paramref name="catalogUrl"/> to a temp file (the caller deletes
    /// it) after checking its size and hash.
    /// </summary>
    public async Task<string> FetchPackageAsync(Uri url, Uri catalogUrl, CatalogVersion expected, CancellationToken ct)
    {
        var path = paths.NewTempPath("download") + ".opk";
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = await DownloadAsync(url, catalogUrl, path, expected.Size, sha256, options.Value.DownloadTimeout,
            $"{url} sent more than the {expected.Size} bytes the catalog declares for this package; download stopped and refused", ct);
        if (size != expected.Size)
        {
            File.Delete(path);
            throw new CatalogException($"{url} ended after {size} of the {expected.Size} bytes the catalog declares; refused");
        }

        var actual = Convert.ToHexStringLower(sha256.GetHashAndReset());
        if (actual != expected.Sha256)
        {
            File.Delete(path);
            throw new CatalogException($"the package at {url} has SHA-256 {actual}, not the {expected.Sha256} the catalog declares: it was changed or replaced; refused");
        }

        return path;
    }

    public void Dispose()
    {
        _catalogServer.Dispose();
        _publicInternet.Dispose();
    }

    private static HttpClient NewClient(SocketsHttpHandler handler) => new(handler)
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Outpost" } },
    };

    private static bool SameServer(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private async Task<HttpResponseMessage> GetFollowingRedirectsAsync(Uri url, Uri catalogUrl, CancellationToken ct)
    {
        var hop = url;
        for (var redirects = 0; ; redirects++)
        {
            var client = SameServer(hop, catalogUrl) ? _catalogServer : _publicInternet;
            var response = await client.GetAsync(hop, HttpCompletionOption.ResponseHeadersRead, ct);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (redirects == MaxRedirects)
            {
                throw new CatalogException($"fetching {url} was redirected more than {MaxRedirects} times; stopped");
            }

            hop = new Uri(hop, location);
            if (hop.Scheme is not ("http" or "https"))
            {
                throw new CatalogException($"fetching {url} was redirected to {hop.Scheme}:, which is not http(s); refused");
            }
        }
    }

    private async Task<long> DownloadAsync(Uri url, Uri catalogUrl, string path, long maxBytes, IncrementalHash? hash, TimeSpan timeout, string tooLarge, CancellationToken ct)
    {
        if (url.Scheme is not ("http" or "https"))
        {
            throw new CatalogException($"{url} is not an http(s) URL");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await GetFollowingRedirectsAsync(url, catalogUrl, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new CatalogException($"fetching {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw new CatalogException(tooLarge);
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var size = await UploadSaver.TrySaveAsync(body, path, maxBytes, hash, deadline.Token);
            return size >= 0 ? size : throw new CatalogException(tooLarge);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CatalogException($"fetching {url} took longer than {timeout.TotalSeconds:0} s; stopped", e);
        }
        catch (HttpRequestException e)
        {
            throw new CatalogException($"fetching {url} failed: {e.Message}", e);
        }
    }
}
