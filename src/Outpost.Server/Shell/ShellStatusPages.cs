using Microsoft.AspNetCore.Diagnostics;

namespace Outpost.Server.Shell;

/// <summary>
/// Friendly pages for errors in the browser: a page address that does not exist renders the shell's "not found"
/// page (re-executed as <c>/error/{status}</c>, so the status code stays). The API keeps its problem documents.
/// </summary>
internal static class ShellStatusPages
{
    public static WebApplication UseShellStatusPages(this WebApplication app)
    {
        // Registered on the application itself, not in a UseWhen branch: only there does re-execution route the
        // new path again. Requests that are not page views switch it off, which leaves them to the problem-document
        // status pages registered before this one.
        app.UseStatusCodePagesWithReExecute("/error/{0}", null, true); // true: the error page renders in a new service scope
        app.Use((context, next) =>
        {
            var isPageView = (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && !context.Request.Path.StartsWithSegments("/api")
                && !context.Request.Path.StartsWithSegments("/assets");
            if (!isPageView && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false; // a failed form post would otherwise be posted again
            }

            return next(context);
        });
        return app;
    }
}
