using Microsoft.Extensions.Options;
using Outpost.Server.Hosting;

namespace Outpost.Server.Shell;

/// <summary>
/// Response headers for the shell's own pages. Grains run on sibling origins and could otherwise frame the shell
/// and trick a click onto "Delete forever"; the content policy also keeps the shell to its own scripts and styles,
/// and lets it frame only session hosts.
/// </summary>
internal static class SecurityHeaders
{
    public static WebApplication UseShellSecurityHeaders(this WebApplication app)
    {
        var baseDomain = app.Services.GetRequiredService<IOptions<OutpostOptions>>().Value.BaseDomain;
        var policy = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            $"frame-src http://*.{baseDomain}:* https://*.{baseDomain}:*",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'");
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers.ContentSecurityPolicy = policy;
                    headers.XFrameOptions = "DENY";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
