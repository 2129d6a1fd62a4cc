namespace Outpost.Server.Shell;

/// <summary>The landing page and health endpoint of the shell host.</summary>
internal static class HomePage
{
    private const string Html = """
        <!doctype html>
        <html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>Outpost</title>
        <style>
          :root { color-scheme: light dark; font: 16px/1.5 system-ui, sans-serif; }
          body { max-width: 44em; margin: 4em auto; padding: 0 1.2em; }
          code, pre { font: 14px ui-monospace, monospace; background: color-mix(in srgb, currentColor 8%, transparent); border-radius: 6px; }
          pre { padding: .9em 1.1em; overflow-x: auto; }
        </style>
        <h1>Outpost is running</h1>
        <p>Apps run here as <em>grains</em>: one sandboxed instance per document, started when opened, stopped when idle.</p>
        <p>From a terminal on this machine:</p>
        <pre>export OUTPOST_TOKEN=$(./outpost admin-token)
        ./outpost app install apps/notes.opk
        ./outpost grain new APP_ID --title "My notes"
        ./outpost grain open GRAIN_ID     # prints a link to open in your browser</pre>
        <p>See <code>docs/</code> in the repository for the full guide.</p>
        """;

    public static WebApplication MapHomePage(this WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
