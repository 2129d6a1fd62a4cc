using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Wasm;
using static Outpost.Sandboxing.FunctionalTests.Wasm.WasmTestEnvironment;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>Nothing crosses from one request to the next, and nothing of the host is reachable but the grain's storage.</summary>
public sealed class WasmIsolationTests
{
    private static readonly WagiLimits Limits = new();

    [Fact]
    public async Task Invoke_GlobalStateChangedByARequest_IsFreshInTheNext()
    {
        var probe = await ProbeAsync();

        var first = Text(probe.Invoke(Get("/global"), Limits));
        var second = Text(probe.Invoke(Get("/global"), Limits));

        Assert.Equal("state=clean counter=1\n", first);
        Assert.Equal("state=clean counter=1\n", second);
    }

    [Fact]
    public async Task Invoke_PathsOutsideTheStorageDir_AreDenied()
    {
        var probe = await ProbeAsync();
        var storage = TestDirectories.NewTestDirectory();
        var outsideFile = Path.Combine(Path.GetTempPath(), "probe-escape");
        File.Delete(outsideFile);

        var lines = Text(probe.Invoke(Get("/escape") with { StorageDir = storage }, Limits)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines.Where(l => !l.StartsWith("/var/inside.txt", StringComparison.Ordinal)), l => Assert.DoesNotContain("OPEN", l, StringComparison.Ordinal));
        Assert.Contains("/var/inside.txt: OPEN", lines);
        Assert.Contains(lines, l => l.StartsWith("/var/../etc/passwd: denied", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("/var/link-out: denied", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(storage, "inside.txt")));
        Assert.False(File.Exists(outsideFile));
    }

    [Fact]
    public async Task Invoke_WithoutStorageDir_SeesNoFilesystem()
    {
        var probe = await ProbeAsync();

        var output = Text(probe.Invoke(Get("/escape"), Limits));

        Assert.DoesNotContain("OPEN", output, StringComparison.Ordinal);
        Assert.Contains("/var/inside.txt: denied", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_StorageWrittenByOneRequest_IsReadByTheNext()
    {
        var probe = await ProbeAsync();
        var storage = TestDirectories.NewTestDirectory();

        var before = probe.Invoke(Get("/storage") with { StorageDir = storage }, Limits);
        var put = probe.Invoke(Get("/storage") with { Method = "PUT", Body = "kept"u8.ToArray(), StorageDir = storage }, Limits);
        var after = probe.Invoke(Get("/storage") with { StorageDir = storage }, Limits);

        Assert.Equal(404, before.Status);
        Assert.Equal(204, put.Status);
        Assert.Equal("kept", Text(after));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(storage, "probe.txt")));
    }

    [Fact]
    public async Task Invoke_StorageOfAnotherGrain_IsNotVisible()
    {
        var probe = await ProbeAsync();
        var grainA = TestDirectories.NewTestDirectory();
        var grainB = TestDirectories.NewTestDirectory();

        probe.Invoke(Get("/storage") with { Method = "PUT", Body = "a's secret"u8.ToArray(), StorageDir = grainA }, Limits);
        var fromB = probe.Invoke(Get("/storage") with { StorageDir = grainB }, Limits);

        Assert.Equal(404, fromB.Status);
    }

    [Fact]
    public async Task Invoke_ConcurrentRequests_EachGetTheirOwnInputAndOutput()
    {
        var probe = await ProbeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            var body = Encoding.UTF8.GetBytes($"request {i} " + new string('x', i * 1000));
            return (Body: body, Response: probe.Invoke(Get("/echo") with { Method = "POST", Body = body }, Limits));
        })));

        Assert.All(responses, r => Assert.True(r.Body.AsSpan().SequenceEqual(r.Response.Body.Span)));
    }
}
