namespace Outpost.Server.Shell;

/// <summary>The health endpoint of the shell host.</summary>
internal static class Health
{
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
