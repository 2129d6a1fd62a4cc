using Microsoft.Extensions.FileProviders;

namespace Outpost.Server.Shell;

/// <summary>Serves the shell's static files (<c>/assets/…</c>) from the <c>shell-assets</c> folder next to the assemblies.</summary>
internal static class ShellAssets
{
    public static WebApplication UseShellAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "shell-assets")),
            RequestPath = "/assets",
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        return app;
    }
}
