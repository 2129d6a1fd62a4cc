using Microsoft.Extensions.FileProviders;

namespace Outpost.Server.Shell;

/// <summary>Serves the shell's static files (<c>/assets/…</c>) from the <c>shell-assets</c> folder next to the assemblies.</summary>
internal static class ShellAssets
{
    /// <summary>The folder the assets are copied to at build time.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "shell-assets");

    public static WebApplication UseShellAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Root),
            RequestPath = "/assets",
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        return app;
    }
}
