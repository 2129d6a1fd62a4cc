using Microsoft.Playwright;

namespace Outpost.Shell.EndToEndTests.Browser;

/// <summary>
/// The system's Chromium (Debian's <c>chromium</c> package, installed by <c>scripts/install-deps --test</c>), driven
/// by Playwright's bundled driver. Playwright never downloads a browser here: the tests must run offline.
/// One browser process serves every test of the collection; each test gets its own context (cookies, storage).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The size every desktop test (and every screenshot in docs/) uses.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing. Install Debian's chromium package: scripts/install-deps --test.");
        }

        // Grains start a sandbox on first open; the default 5 s for assertions is tight on a busy 2-core machine.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox: the tests run as root, where Chromium refuses its own. No GPU in a container. The rest
            // stops Chromium's own calls home (updates, sync, component downloads): the tests run offline.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// A fresh browser profile (cookies, storage, cache) pointed at <paramref name="baseUrl"/>: light theme, desktop
    /// size unless told. Dispose it at the end of the test.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseUrl, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = viewport ?? Desktop,
            ColorScheme = ColorScheme.Light,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Tests that share the one Chromium process. They run one after another, which a 2-core machine needs anyway.</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}
