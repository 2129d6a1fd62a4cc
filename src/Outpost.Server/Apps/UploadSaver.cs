namespace Outpost.Server.Apps;

/// <summary>Streams a request body to a file without holding it in memory, stopping at a size limit.</summary>
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

        var buffer = new byte[81920];
        long total = 0;
        await using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        if (total > maxBytes)
        {
            File.Delete(path);
            return false;
        }

        return true;
    }
}
