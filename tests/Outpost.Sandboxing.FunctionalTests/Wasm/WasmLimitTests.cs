using System.Globalization;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Wasm;
using static Outpost.Sandboxing.FunctionalTests.Wasm.WasmTestEnvironment;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>Hostile requests meet each per-request limit, get a clear 5xx, and the runtime keeps serving.</summary>
public sealed class WasmLimitTests
{
    // Generous where a limit is not under test, so only the intended one can fire on a loaded CI machine.
    private static readonly WagiLimits Roomy = new() { Fuel = long.MaxValue / 2, Deadline = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Invoke_InfiniteLoopWithSmallFuel_StopsWhenFuelRunsOut()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/loop"), Roomy with { Fuel = 5_000_000 });

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.FuelExhausted, response.Failure?.Kind);
        Assert.Contains("fuel budget of 5,000,000", response.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(5_000_000, response.FuelUsed);
    }

    [Fact]
    public async Task Invoke_InfiniteLoopWithShortDeadline_StopsAtTheDeadline()
    {
        var probe = await ProbeAsync();
        var deadline = TimeSpan.FromMilliseconds(200);

        var response = probe.Invoke(Get("/loop"), Roomy with { Deadline = deadline });

        Assert.Equal(504, response.Status);
        Assert.Equal(WagiFailureKind.DeadlineExceeded, response.Failure?.Kind);
        Assert.Contains("deadline of 200 ms", response.Failure!.Message, StringComparison.Ordinal);
        Assert.InRange(response.Elapsed, deadline, deadline + SandboxTestEnvironment.Timeout);
        Assert.Equal(Roomy.Fuel, response.FuelUsed);
    }

    [Fact]
    public async Task Invoke_MemoryBomb_StopsAtTheMemoryLimit()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/memory"), Roomy with { MemoryBytes = 16L << 20 });

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.MemoryLimit, response.Failure?.Kind);
        Assert.Contains("ran out of memory: its limit is 16 MiB", response.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_ModuleNeedingMoreMemoryThanItsLimit_FailsBeforeRunning()
    {
        using var runtime = NewRuntime(Path.Combine(TestDirectories.NewTestDirectory(), "cache"));
        var module = await runtime.LoadAsync(WriteWat("""
            (module (memory (export "memory") 64) (func (export "_start")))
            """));

        var response = module.Invoke(Get("/"), Roomy with { MemoryBytes = 1L << 20 });

        Assert.Equal(WagiFailureKind.MemoryLimit, response.Failure?.Kind);
        Assert.Contains("needs 4 MiB of memory to start; its limit is 1 MiB", response.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_EndlessOutput_IsCutAtTheResponseCap()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/big"), Roomy with { MaxResponseBytes = 1L << 20 });

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.ResponseTooLarge, response.Failure?.Kind);
        Assert.Contains("more than 1 MiB to stdout", response.Failure!.Message, StringComparison.Ordinal);
        Assert.True(response.Body.Length < 1000);
    }

    [Theory]
    [InlineData(60_000, null)]
    [InlineData(70_000, WagiFailureKind.ResponseTooLarge)]
    public async Task Invoke_OutputNearTheCap_IsJudgedOnItsFullSize(int bodyBytes, WagiFailureKind? failure)
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/big", "bytes=" + bodyBytes.ToString(CultureInfo.InvariantCulture)), Roomy with { MaxResponseBytes = 65_536 });

        Assert.Equal(failure, response.Failure?.Kind);
        if (failure is null)
        {
            Assert.Equal(bodyBytes, response.Body.Length);
        }
    }

    [Fact]
    public async Task Invoke_Trap_Returns500NamingTheTrap()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/trap"), Roomy);

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.Trap, response.Failure?.Kind);
        Assert.Contains("unreachable", response.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_NonZeroExit_Returns500WithTheStatus()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/exit", "code=7"), Roomy);

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.ExitCode, response.Failure?.Kind);
        Assert.Equal("The app exited with status 7.", response.Failure!.Message);
    }

    [Fact]
    public async Task Invoke_ExitZero_IsSuccess()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/exit", "code=0"), Roomy);

        Assert.Null(response.Failure);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Invoke_TrivialRequest_ReportsFuelUsed()
    {
        var probe = await ProbeAsync();

        var first = probe.Invoke(Get("/hello"), Roomy);
        var second = probe.Invoke(Get("/hello"), Roomy);

        Assert.InRange(first.FuelUsed, 1, 1_000_000);
        Assert.Equal(first.FuelUsed, second.FuelUsed);
    }

    [Fact]
    public async Task Invoke_AfterEveryKindOfFailure_NextRequestSucceeds()
    {
        var probe = await ProbeAsync();
        var tight = Roomy with { Fuel = 50_000_000, MemoryBytes = 16L << 20, MaxResponseBytes = 1L << 20 };

        var failures = new[] { "/loop", "/memory", "/big", "/trap", "/exit" }.Select(path => probe.Invoke(Get(path), tight).Failure?.Kind).ToList();
        var after = probe.Invoke(Get("/hello"), tight);

        Assert.All(failures, kind => Assert.True(kind.HasValue));
        Assert.Null(after.Failure);
        Assert.Equal("hello from wasm\n", Text(after));
    }

    [Fact]
    public async Task Invoke_AllInstanceSlotsTaken_Returns503UntilOneIsFree()
    {
        using var runtime = NewRuntime(Path.Combine(TestDirectories.NewTestDirectory(), "cache"), slots: 1);
        var probe = await runtime.LoadAsync(ProbePath);

        Assert.True(runtime.TryEnterInstance());
        var busy = probe.Invoke(Get("/hello"), Roomy);
        runtime.ExitInstance();
        var free = probe.Invoke(Get("/hello"), Roomy);

        Assert.Equal(503, busy.Status);
        Assert.Equal(WagiFailureKind.Busy, busy.Failure?.Kind);
        Assert.Null(free.Failure);
    }

    [Fact]
    public async Task Invoke_CancelledRequest_StopsAtTheNextTick()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/loop"), Roomy, new CancellationToken(canceled: true));

        Assert.Equal(503, response.Status);
        Assert.Equal(WagiFailureKind.Cancelled, response.Failure?.Kind);
    }
}
