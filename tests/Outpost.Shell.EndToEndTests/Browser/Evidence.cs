using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Shell.EndToEndTests.Browser;

/// <summary>
/// Keeps what the browser showed when a test step fails: a screenshot and the page's HTML in
/// artifacts/test-results/shell/, next to the test results ./test writes.
/// </summary>
internal static class Evidence
{
    public static async Task OnFailureAsync(IPage page, Func<Task> steps, [CallerMemberName] string test = "")
    {
        try
        {
            await steps();
        }
        catch (Exception)
        {
            var dir = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "shell");
            Directory.CreateDirectory(dir);
            try
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(dir, test + ".png"), FullPage = true, Timeout = 5_000 });
                await File.WriteAllTextAsync(Path.Combine(dir, test + ".html"), $"<!-- {page.Url} -->\n" + await page.ContentAsync());
            }
            catch (PlaywrightException)
            {
                // The page itself is broken (closed, crashed): the original failure says more.
            }

            throw;
        }
    }
}
