using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Outpost.Packaging.Catalogs;
using Outpost.Server.Apps;
using Outpost.Server.Hosting;

namespace Outpost.Server.Catalogs;

/// <summary>
/// Fetches catalogs and packages from other servers. Everything is bounded: time, and bytes (the catalog limit, or
/// the exact size the signed catalog declares for a package; reading stops one buffer past it). A package is hashed
/// while it streams to a private temp file and refused unless it has exactly the catalog's size and SHA-256.
/// </summary>
internal sealed class CatalogDownloader(DataPaths paths, CatalogLimits limits, IOptions<CatalogOptions> options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Outpost" } },
    };

    /// <summary>The catalog file at <paramref name="url"/>, at most <see cref="CatalogLimits.MaxCatalogBytes"/> bytes.</summary>
    public async Task<byte[]> FetchCatalogAsync(Uri url, CancellationToken ct)
    {
        var path = paths.NewTempPath("catalog");
        try
        {
            await DownloadAsync(url, path, limits.MaxCatalogBytes, null, options.Value.CatalogTimeout,
                $"the catalog at {url} is larger than {limits.MaxCatalogBytes} bytes; refused", ct);
            return await File.ReadAllBytesAsync(path, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Downloads a package to a temp file (the caller deletes it) after checking its size and hash.</summary>
    public async Task<string> FetchPackageAsync(Uri url, CatalogVersion expected, CancellationToken ct)
    {
        var path = paths.NewTempPath("download") + ".opk";
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = await DownloadAsync(url, path, expected.Size, sha256, options.Value.DownloadTimeout,
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

    public void Dispose() => _http.Dispose();

    private async Task<long> DownloadAsync(Uri url, string path, long maxBytes, IncrementalHash? hash, TimeSpan timeout, string tooLarge, CancellationToken ct)
    {
        if (url.Scheme is not ("http" or "https"))
        {
            throw new CatalogException($"{url} is not an http(s) URL");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
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
