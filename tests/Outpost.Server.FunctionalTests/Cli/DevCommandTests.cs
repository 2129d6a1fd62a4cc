using Outpost.Cli.Commands;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Cli;

/// <summary><c>outpost dev</c> on a copy of the notes app: a real server, real packing, a real sandboxed grain.</summary>
public sealed class DevCommandTests
{
    [Fact]
    public async Task Dev_FileChanges_RebuildIntoTheRunningGrain_AndABrokenBuildKeepsThePreviousOne()
    {
        using var work = new TempDir("dev");
        var app = RepoPaths.CopyApp("notes", Path.Combine(work.Path, "notes"));
        var output = new LockedWriter();
        var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var mountedWhileRunning = new List<string>();
        var dev = Task.Run(() => CommandLine.RunAsync(
            ["dev", app, "--data", Path.Combine(work.Path, "data"), "--listen", "http://127.0.0.1:0"], output, error, stop.Token));
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(output.Text.Contains("Open the grain: ", StringComparison.Ordinal) || dev.IsCompleted), TimeSpan.FromMinutes(2), "the dev server to open the grain");
            var url = output.Text.Split("Open the grain: ")[1].Split('\n')[0].Trim();
            using var browser = new BrowserClient(new Uri(url).Port);
            var origin = await browser.RedeemAsync(url);
            var before = await PageAsync(browser, origin);

            var index = Path.Combine(app, "public", "index.html");
            await File.WriteAllTextAsync(index, (await File.ReadAllTextAsync(index)).Replace("</body>", "<!-- changed in dev --></body>", StringComparison.Ordinal));
            await Wait.UntilAsync(() => Task.FromResult(Builds(output) >= 2), TimeSpan.FromMinutes(2), "the change to be rebuilt");
            var after = await PageAsync(browser, origin);

            await File.WriteAllTextAsync(Path.Combine(app, "outpost.json"), "{ \"title\": ");
            await Wait.UntilAsync(() => Task.FromResult(error.Text.Contains("build failed", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "the broken build to be reported");
            var afterBroken = await PageAsync(browser, origin);
            mountedWhileRunning = GocryptfsMountsUnder(work.Path);

            Assert.DoesNotContain("changed in dev", before, StringComparison.Ordinal);
            Assert.Contains("changed in dev", after, StringComparison.Ordinal);
            Assert.Contains("changed in dev", afterBroken, StringComparison.Ordinal);
            Assert.Contains("manifest: not valid JSON", error.Text, StringComparison.Ordinal);
            Assert.Single(Directory.GetDirectories(Path.Combine(work.Path, "data", "apps")).SelectMany(Directory.GetDirectories));
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await dev);
        }

        // Stopping dev (Ctrl+C cancels the same token) shuts its server down: the grain's storage is unmounted.
        Assert.NotEmpty(mountedWhileRunning);
        Assert.Empty(GocryptfsMountsUnder(work.Path));
    }

    [Fact]
    public async Task Dev_StoppedWithSigterm_ShutsItsServerDownAndLeavesNoMount()
    {
        using var work = new TempDir("dev-sigterm");
        var app = RepoPaths.CopyApp("notes", Path.Combine(work.Path, "notes"));
        await using var dev = await ServerProcess.StartDevAsync(app, Path.Combine(work.Path, "data"));
        using var browser = dev.Browser();
        var origin = await browser.RedeemAsync(dev.AnnouncedUrl.ToString());
        await PageAsync(browser, origin);
        var whileRunning = GocryptfsMountsUnder(work.Path);

        await dev.StopAsync();

        Assert.NotEmpty(whileRunning);
        Assert.Empty(GocryptfsMountsUnder(work.Path));
        Assert.True(dev.ExitCode == 0, $"outpost dev exited with {dev.ExitCode}:\n{dev.Output}");
    }

    /// <summary>The gocryptfs mounts (as <c>mount | grep gocryptfs</c> lists them) whose mount point is below <paramref name="dir"/>.</summary>
    private static List<string> GocryptfsMountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 2 && fields[2] == "fuse.gocryptfs" && fields[1].StartsWith(dir + "/", StringComparison.Ordinal))
            .Select(fields => fields[1])
            .ToList();

    private static int Builds(LockedWriter output) => output.Text.Split("built and installed").Length - 1;

    private static async Task<string> PageAsync(BrowserClient browser, Uri origin)
    {
        using var response = await browser.Http.GetAsync(origin);
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadAsStringAsync();
    }

    // The dev command writes from its own task while the test reads.
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock)
            {
                base.Write(buffer, index, count);
            }
        }
    }
}
