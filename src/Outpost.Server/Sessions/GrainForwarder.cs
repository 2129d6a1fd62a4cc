using System.Net;
using System.Text;
using Outpost.Cluster.Grains;
using Yarp.ReverseProxy.Forwarder;

namespace Outpost.Server.Sessions;

/// <summary>
/// Forwards a session host's request into the grain's sandbox with YARP's forwarder. The destination host names
/// the grain (<c>&lt;grain id&gt;.grain</c>) so the connection pool keeps one pool per grain, and the connect
/// callback turns that name into the grain's unix socket.
/// </summary>
internal sealed class GrainForwarder : IDisposable
{
    private const string DestinationSuffix = ".grain";

    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // Apps may stream or hold WebSockets open; only a connection silent this long is cut.
        ActivityTimeout = TimeSpan.FromMinutes(10),

        // Apps speak HTTP/1.1 on their port; asking for it directly skips HTTP/2 negotiation on every connection.
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    private readonly IHttpForwarder _forwarder;
    private readonly GrainEndpoints _endpoints;
    private readonly HttpMessageInvoker _client;

    public GrainForwarder(IHttpForwarder forwarder, GrainEndpoints endpoints)
    {
        _forwarder = forwarder;
        _endpoints = endpoints;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectCallback = endpoints.ConnectAsync,
            ConnectTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        });
    }

    public static string GrainIdFromDestinationHost(string host) =>
        host.EndsWith(DestinationSuffix, StringComparison.Ordinal) ? host[..^DestinationSuffix.Length] : host;

    public async Task ForwardAsync(HttpContext context, SessionEntry session)
    {
        if (session.Sandbox == Packaging.SandboxKind.Wasm)
        {
            await context.RequestServices.GetRequiredService<Grains.WasmGrains>().ServeAsync(context, session);
            return;
        }

        context.Features.Set(session);
        using (_endpoints.BeginRequest(session.GrainId))
        {
            var error = await _forwarder.SendAsync(context, $"http://{session.GrainId}{DestinationSuffix}/", _client, RequestConfig, IdentityTransformer.Instance);
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                await WriteErrorAsync(context);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private static async Task WriteErrorAsync(HttpContext context)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case GrainStartException start:
                    await SessionHostPages.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "This grain could not start", start.Message);
                    return;
                case GrainNotFoundException notFound:
                    await SessionHostPages.WriteAsync(context, StatusCodes.Status404NotFound, "This grain is gone", notFound.Message);
                    return;
            }
        }

        await SessionHostPages.WriteAsync(context, StatusCodes.Status502BadGateway, "The app did not answer",
            "The grain's app closed the connection or sent an invalid response. Its log may say why ('outpost grain logs ID').");
    }

    /// <summary>Adds the identity headers the app can trust. Client copies were already removed by the router.</summary>
    private sealed class IdentityTransformer : HttpTransformer
    {
        public static readonly IdentityTransformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            var session = httpContext.Features.Get<SessionEntry>()!;
            var headers = proxyRequest.Headers;

            // The app sees the host the browser used, so the links it builds stay on the session host.
            headers.Host = httpContext.Request.Host.Value;
            if (session.AccountId is not null)
            {
                // Anonymous link visitors get no user id at all: an empty id would look like an account to naive apps.
                headers.TryAddWithoutValidation(IdentityHeaders.UserId, session.AccountId);
            }

            headers.TryAddWithoutValidation(IdentityHeaders.UserName, Uri.EscapeDataString(session.UserName));
            headers.TryAddWithoutValidation(IdentityHeaders.Permissions, session.Permissions);
            headers.TryAddWithoutValidation(IdentityHeaders.SessionId, session.SessionId);
            headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        }
    }
}

/// <summary>The trusted identity headers an app receives on every request.</summary>
public static class IdentityHeaders
{
    /// <summary>Every header with this prefix is reserved: the router removes client-sent ones before adding its own.</summary>
    public const string Prefix = "X-Outpost-";

    /// <summary>The account id; absent for an anonymous visitor through a link.</summary>
    public const string UserId = "X-Outpost-User-Id";

    /// <summary>The display name, percent-encoded UTF-8.</summary>
    public const string UserName = "X-Outpost-User-Name";

    /// <summary>Comma-separated permission ids from the app's manifest.</summary>
    public const string Permissions = "X-Outpost-Permissions";

    public const string SessionId = "X-Outpost-Session-Id";
}

/// <summary>Small HTML pages the router answers with on a session host (errors, refusals).</summary>
internal static class SessionHostPages
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var html = new StringBuilder()
            .Append("<!doctype html><meta charset=utf-8><title>").Append(WebUtility.HtmlEncode(title)).Append(" · Outpost</title>")
            .Append("<body style=\"font:16px system-ui;max-width:40em;margin:4em auto;padding:0 1em;color:#222\">")
            .Append("<h1 style=\"font-size:1.4em\">").Append(WebUtility.HtmlEncode(title)).Append("</h1><p>")
            .Append(WebUtility.HtmlEncode(detail)).Append("</p></body>");
        return context.Response.WriteAsync(html.ToString());
    }
}
