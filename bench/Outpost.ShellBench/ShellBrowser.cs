using Microsoft.Playwright;

namespace Outpost.ShellBench;

/// <summary>One resource the browser fetched: what crossed the wire (headers, body as sent) and the body once decoded.</summary>
internal sealed record Fetched(string Url, string Type, int Status, long HeaderBytes, long WireBodyBytes, long DecodedBodyBytes);

/// <summary>The system's Chromium through Playwright: signs in through the real form and measures a cold page load.</summary>
internal sealed class ShellBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ShellBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<ShellBrowser> LaunchAsync(string chromium)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new ShellBrowser(playwright, browser);
    }

    /// <summary>Signs in through /login; returns the browser's storage state (the auth cookie) for later contexts.</summary>
    public async Task<string> SignInAsync(Uri baseUrl, string email, string password)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.Locator("input[name=email]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return await context.StorageStateAsync();
    }

    /// <summary>The cookies of a storage state as a Cookie header, for plain HTTP clients.</summary>
    public async Task<string> CookieHeaderAsync(string storageState, Uri baseUrl)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { StorageState = storageState });
        var cookies = await context.CookiesAsync([baseUrl.ToString()]);
        return string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
    }

    /// <summary>Loads <paramref name="path"/> in a new context (empty cache, signed in) until the network is idle; returns every fetch.</summary>
    public async Task<List<Fetched>> ColdLoadAsync(Uri baseUrl, string storageState, string path)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        var finished = new List<Microsoft.Playwright.IRequest>();
        page.RequestFinished += (_, request) => finished.Add(request);
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        var fetched = new List<Fetched>();
        foreach (var request in finished.ToList())
        {
            var sizes = await request.SizesAsync();
            var response = await request.ResponseAsync();
            long decoded = 0;
            if (response is not null && response.Status is >= 200 and < 300)
            {
                decoded = (await response.BodyAsync()).LongLength;
            }

            fetched.Add(new Fetched(request.Url, request.ResourceType, response?.Status ?? 0, sizes.ResponseHeadersSize, sizes.ResponseBodySize, decoded));
        }

        return fetched;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
