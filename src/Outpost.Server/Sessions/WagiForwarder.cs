using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Server.Sessions;

/// <summary>
/// Serves a session host's request from a WebAssembly grain: turns the ASP.NET request into a WAGI request (the body
/// read up to a bound), runs the module on the thread pool, and writes its response or an error page.
/// </summary>
internal sealed class WagiForwarder
{
    /// <summary>The largest request body handed to a module; a larger one is answered 413 without running it.</summary>
    public const int MaxRequestBodyBytes = 16 << 20;

    /// <summary>
    /// Runs <paramref name="module"/> for the current request and writes the result. Returns the module's response
    /// (or the failure that replaced it) so the caller can record <see cref="WagiResponse.FuelUsed"/> and write
    /// <see cref="WagiResponse.Failure"/> and <see cref="WagiResponse.Stderr"/> to the grain log.
    /// </summary>
    public async Task<WagiResponse> ForwardAsync(
        HttpContext context,
        WasmModule module,
        WagiIdentity identity,
        string storageDir,
        WagiLimits limits,
        IReadOnlyList<string>? args = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var aborted = context.RequestAborted;
        var body = await ReadBodyAsync(context.Request, aborted);
        if (body is null)
        {
            var tooLarge = new WagiResponse
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Failure = new WagiFailure(WagiFailureKind.RequestTooLarge, $"Requests to this app may carry at most {MaxRequestBodyBytes >> 20} MiB."),
            };
            await WriteAsync(context, tooLarge);
            return tooLarge;
        }

        var request = ToWagiRequest(context, body, identity, storageDir, args, env);

        // Running the module is CPU-bound and synchronous: keep it off the request's own continuation.
        var response = await Task.Run(() => module.Invoke(request, limits, aborted), CancellationToken.None);
        await WriteAsync(context, response);
        return response;
    }

    private static WagiRequest ToWagiRequest(
        HttpContext context, byte[] body, WagiIdentity identity, string storageDir, IReadOnlyList<string>? args, IReadOnlyDictionary<string, string>? env)
    {
        var http = context.Request;
        var (rawPath, query) = RawTarget(context);
        var headers = new List<KeyValuePair<string, string>>(http.Headers.Count);
        foreach (var (name, values) in http.Headers)
        {
            // HTTP/2 may split Cookie into several fields; CGI wants the one header HTTP/1.1 would carry.
            var value = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? string.Join("; ", values.ToArray()) : values.ToString();
            headers.Add(new(name, value));
        }

        return new WagiRequest
        {
            Method = http.Method,
            RawPath = rawPath,
            QueryString = query,
            Headers = headers,
            Body = body,
            Scheme = http.Scheme,
            ServerName = http.Host.Host,
            ServerPort = http.Host.Port ?? (http.IsHttps ? 443 : 80),
            Protocol = http.Protocol,
            RemoteAddr = context.Connection.RemoteIpAddress?.ToString() ?? "",
            Identity = identity,
            StorageDir = storageDir,
            Args = args ?? [],
            Env = env,
        };
    }

    /// <summary>The path and query exactly as the client sent them (still percent-encoded), as CGI's raw variables need.</summary>
    private static (string Path, string Query) RawTarget(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            // Absolute-form or missing target: rebuild it from the parsed parts.
            target = context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, "") : (target[..question], target[(question + 1)..]);
    }

    /// <summary>The whole body, or null when it is larger than <see cref="MaxRequestBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is > MaxRequestBodyBytes)
        {
            return null;
        }

        if (request.ContentLength is 0)
        {
            return [];
        }

        var chunk = ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            using var buffer = new MemoryStream((int)(request.ContentLength ?? 0));
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxRequestBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length == 0 ? [] : buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task WriteAsync(HttpContext context, WagiResponse response)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (response.Failure is { } failure)
        {
            await SessionHostPages.WriteAsync(context, response.Status, Title(failure.Kind), failure.Message);
            return;
        }

        var http = context.Response;
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        // 204 and 304 carry no body: Kestrel refuses even an empty write (and a Content-Length) on them.
        if (response.Status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return;
        }

        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private static string Title(WagiFailureKind kind) => kind switch
    {
        WagiFailureKind.FuelExhausted => "This app used too much computing time",
        WagiFailureKind.DeadlineExceeded => "This app took too long to answer",
        WagiFailureKind.MemoryLimit => "This app ran out of memory",
        WagiFailureKind.ResponseTooLarge => "This app's response was too large",
        WagiFailureKind.Trap or WagiFailureKind.ExitCode => "This app crashed",
        WagiFailureKind.InvalidResponse => "This app sent an invalid response",
        WagiFailureKind.Busy => "The server is busy",
        WagiFailureKind.RequestTooLarge => "This request is too large",
        _ => "This app could not answer",
    };
}
