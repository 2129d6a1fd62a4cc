using System.Security.Cryptography;

namespace Outpost.Server.Apps;

/// <summary>Streams a request body (or a download) to a file without holding it in memory, stopping at a size limit.</summary>
internal static class UploadSaver
{
    /// <summary>Returns false (and leaves no file) when the body is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<bool> TrySaveAsync(HttpRequest request, string path, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return false;
        }

        // Kestrel's default body limit (30 MB) is below real packages; this endpoint enforces its own limit below.
        var sizeFeature = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        return await TrySaveAsync(request.Body, path, maxBytes, hash: null, ct) >= 0;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a new private file, feeding <paramref name="hash"/> on the way. Returns the
    /// byte count, or -1 (and leaves no file) as soon as the source passes <paramref name="maxBytes"/>: reading stops
    /// there, so a sender cannot make us store more than the limit.
    /// </summary>
    public static async Task<long> TrySaveAsync(Stream source, string path, long maxBytes, IncrementalHash? hash, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        try
        {
            await using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    break;
                }

                hash?.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        if (total > maxBytes)
        {
            File.Delete(path);
            return -1;
        }

        return total;
    }
}
