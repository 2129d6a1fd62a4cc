using Outpost.ShellBench;

// Shell benchmarks: how long the server takes to render the grains page for an account with many grains (against
// the same page with none, the baseline), and how many bytes a browser downloads to show the shell from a cold cache.
// Usage: dotnet run --project bench/Outpost.ShellBench -c Release -- [--grains 1000] [--requests 50] [--warmup 10]
// Needs Debian's chromium (scripts/install-deps --test) and the notes app's Node for packing (scripts/install-deps).
var options = ShellBenchOptions.Parse(args);
Console.Error.WriteLine($"Starting a server with {options.Grains} grains…");
await using var server = await BenchServer.StartAsync(options);
await using var browser = await ShellBrowser.LaunchAsync(options.Chromium);

var busyState = await browser.SignInAsync(server.BaseUrl, server.BusyEmail, BenchServer.Password);
var emptyState = await browser.SignInAsync(server.BaseUrl, server.EmptyEmail, BenchServer.Password);

Console.Error.WriteLine("Timing GET / …");
var empty = await RenderTiming.MeasureAsync(server.BaseUrl, "/", await browser.CookieHeaderAsync(emptyState, server.BaseUrl), options.Warmup, options.Requests);
var busy = await RenderTiming.MeasureAsync(server.BaseUrl, "/", await browser.CookieHeaderAsync(busyState, server.BaseUrl), options.Warmup, options.Requests);

Console.Error.WriteLine("Cold loads in Chromium…");
var coldEmpty = await browser.ColdLoadAsync(server.BaseUrl, emptyState, "/");
var coldBusy = await browser.ColdLoadAsync(server.BaseUrl, busyState, "/");

Console.WriteLine(Report.Markdown(options, empty, busy, coldEmpty, coldBusy));
