using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Outpost.Server.Transfer;

/// <summary>
/// The receiving server's side of the conversation with the offering server. Every answer is bounded (time and
/// bytes) and checked before use; redirects are never followed, and https is required except to this machine.
/// </summary>
internal sealed class TransferClient : IDisposable
{
    private const int MaxListBytes = 4 << 20;
    private const int MaxErrorBytes = 16 << 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Uri _server;
    private readonly TransferOptions _options;

    public TransferClient(Uri server, string token, TransferOptions options, X509Certificate2Collection? trusted)
    {
        _server = server;
        _options = options;
        var handler = new SocketsHttpHandler
        {
            // A redirect could point anywhere, an internal address included; the user gives the real address instead.
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (trusted is { Count: > 0 })
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TransferTrust.IsTrusted(certificate, errors, trusted);
        }

        _http = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Outpost", null));
    }

    /// <summary>The offer's grains, checked: well-formed, at most <see cref="TransferOptions.MaxGrains"/>, ids unique and plain.</summary>
    public async Task<OfferedGrains> ListAsync(CancellationToken ct)
    {
        using var deadline = Deadline(_options.RequestTimeout, ct);
        return await Guard(_options.RequestTimeout, ct, async () =>
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/transfer/grains"), deadline.Token);
            var bytes = await ReadBoundedAsync(response, MaxListBytes, deadline.Token)
                ?? throw new TransferException($"{_server} sent a list of grains larger than {MaxListBytes >> 20} MiB; refused");
            OfferedGrains? list;
            try
            {
                list = JsonSerializer.Deserialize<OfferedGrains>(bytes, Json);
            }
            catch (JsonException e)
            {
                throw new TransferException($"{_server} sent a malformed list of grains ({e.Message}); is it an Outpost server?", e);
            }

            return Check(list);
        });
    }

    /// <summary>
    /// Downloads one grain's backup to <paramref name="path"/>, reporting bytes and the total the server declared;
    /// returns its size. Refuses a body without a declared length, one longer than the limit, and one that ends early.
    /// </summary>
    public async Task<long> DownloadAsync(string grainId, string path, Action<long, long> progress, CancellationToken ct)
    {
        using var deadline = Deadline(_options.DownloadTimeout, ct);
        return await Guard(_options.DownloadTimeout, ct, async () =>
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/transfer/grains/{Uri.EscapeDataString(grainId)}/backup"), deadline.Token);
            var length = response.Content.Headers.ContentLength
                ?? throw new TransferException($"{_server} did not say how large the backup of grain {grainId} is; refused");
            if (length > _options.MaxGrainBytes)
            {
                throw new TransferException($"the backup of grain {grainId} is {length} bytes, more than this server accepts ({_options.MaxGrainBytes}; Outpost:Transfer:MaxGrainBytes); refused");
            }

            progress(0, length);
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            await using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            var buffer = new byte[1 << 16];
            long done = 0;
            int read;
            while ((read = await ReadAsync(body, buffer, done, length, grainId, deadline.Token)) > 0)
            {
                done += read;
                if (done > length)
                {
                    throw new TransferException($"{_server} sent more than the {length} bytes it declared for grain {grainId}; refused");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), deadline.Token);
                progress(done, length);
            }

            return done == length ? done : throw Truncated(grainId, done, length);
        });
    }

    /// <summary>Tells the offering server which grains arrived, and whether to move its originals to the trash.</summary>
    public async Task<CompleteResult> CompleteAsync(IReadOnlyList<string> grainIds, bool removeSource, CancellationToken ct)
    {
        using var deadline = Deadline(_options.RequestTimeout, ct);
        return await Guard(_options.RequestTimeout, ct, async () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/transfer/complete")
            {
                Content = JsonContent.Create(new CompleteRequest { GrainIds = grainIds, RemoveSource = removeSource }, options: Json),
            };
            using var response = await SendAsync(request, deadline.Token);
            var bytes = await ReadBoundedAsync(response, MaxErrorBytes, deadline.Token);
            try
            {
                return bytes is null ? throw new JsonException("too large") : JsonSerializer.Deserialize<CompleteResult>(bytes, Json)
                    ?? throw new JsonException("null");
            }
            catch (JsonException e)
            {
                throw new TransferException($"{_server} sent a malformed answer to the end of the transfer ({e.Message})", e);
            }
        });
    }

    public void Dispose() => _http.Dispose();

    private static async Task<int> ReadAsync(Stream body, byte[] buffer, long done, long length, string grainId, CancellationToken ct)
    {
        try
        {
            return await body.ReadAsync(buffer, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Truncated(grainId, done, length, e);
        }
    }

    private static TransferException Truncated(string grainId, long done, long length, Exception? inner = null) =>
        new($"the backup of grain {grainId} ended after {done} of {length} bytes; the connection broke off. Run the pull again.", inner);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400)
                {
                    throw new TransferException($"{_server} answered with a redirect to {response.Headers.Location}; transfers never follow redirects. Give the address the server really has (its https:// address).");
                }

                var detail = await ProblemDetailAsync(response, ct);
                throw new TransferException(response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => $"{_server} does not accept this transfer token: {detail}",
                    HttpStatusCode.TooManyRequests => $"{_server} refuses for now: {detail}",
                    HttpStatusCode.NotFound when detail.Length == 0 => $"{_server} has no transfer API here (HTTP 404); is it an Outpost server, and is the address right?",
                    _ => $"{_server} answered HTTP {status}{(detail.Length > 0 ? ": " + detail : "")}",
                });
            }
        }
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var bytes = await ReadBoundedAsync(response, MaxErrorBytes, ct);
            using var problem = bytes is null ? null : JsonDocument.Parse(bytes);
            var detail = problem?.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String
                ? d.GetString()!
                : "";
            // The other server's words, shown to a user: one line, of a readable length.
            return new string(detail.Take(500).Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            return "";
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, int maxBytes, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var memory = new MemoryStream();
        var buffer = new byte[16384];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (memory.Length + read > maxBytes)
            {
                return null;
            }

            memory.Write(buffer, 0, read);
        }

        return memory.ToArray();
    }

    private OfferedGrains Check(OfferedGrains? list)
    {
        if (list?.Grains is null || list.OfferId is null)
        {
            throw new TransferException($"{_server} sent a malformed list of grains (no grains or offer id); is it an Outpost server?");
        }

        if (list.Grains.Count > _options.MaxGrains)
        {
            throw new TransferException($"{_server} offers {list.Grains.Count} grains; this server takes at most {_options.MaxGrains} in one transfer (Outpost:Transfer:MaxGrains). Make smaller offers with --grain.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grain in list.Grains)
        {
            if (grain?.Id is null || grain.Id.Length is 0 or > 64 || !grain.Id.All(char.IsAsciiLetterOrDigit) || !seen.Add(grain.Id))
            {
                throw new TransferException($"{_server} sent a malformed list of grains (a grain id is missing, repeated or not plain letters and digits)");
            }

            if (grain.Title is null || grain.AppId is null)
            {
                throw new TransferException($"{_server} sent a malformed list of grains (grain {grain.Id} has no title or app)");
            }
        }

        return list;
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private async Task<T> Guard<T>(TimeSpan timeout, CancellationToken ct, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransferException($"{_server} took longer than {timeout} to answer; stopped", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransferException($"cannot reach {_server}: {Describe(e)}", e);
        }
        catch (IOException e)
        {
            throw new TransferException($"the connection to {_server} broke off ({e.Message}); run the pull again", e);
        }
    }

    private static string Describe(HttpRequestException e) =>
        e.InnerException is System.Security.Authentication.AuthenticationException
            ? "its certificate is not trusted here (" + e.InnerException.Message + "). If it uses a self-signed certificate or a private authority, give that certificate in Outpost:Transfer:TrustedCertificate."
            : e.Message;
}
