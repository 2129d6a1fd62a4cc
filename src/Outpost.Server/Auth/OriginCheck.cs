namespace Outpost.Server.Auth;

/// <summary>Tells a browser's cross-site write apart from a same-origin one, from the headers browsers always send.</summary>
internal static class OriginCheck
{
    /// <summary>
    /// True for an unsafe method (POST, PUT, DELETE …) coming from another origin. With
    /// <paramref name="requireProof"/>, a request carrying neither Origin nor Fetch Metadata counts as cross-site too.
    /// </summary>
    public static bool IsCrossOriginWrite(HttpRequest request, bool requireProof)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
        }

        // No Origin header: browsers that send Fetch Metadata still tell us where the request came from.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site.Length > 0 ? site is not ("same-origin" or "none") : requireProof;
    }
}

/// <summary>
/// Cookie-authenticated API writes must come from Outpost's own pages. Scripts use bearer tokens, which a browser
/// never attaches by itself, so they are not subject to this check.
/// </summary>
internal sealed class ApiCsrfMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api")
            && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && OriginCheck.IsCrossOriginWrite(request, requireProof: true))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Results.Problem(title: "Cross-site request refused",
                detail: "Browser requests that change something must come from Outpost's own pages. Scripts should send an API token.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        }

        return next(context);
    }
}
