using BenchmarkDotNet.Attributes;
using Outpost.Sandboxing.Wasm;
using Wasmtime;

namespace Outpost.Benchmarks;

/// <summary>
/// One request, start to finish, in process: fresh store + instance, WASI setup, run, stdout parsed into a response.
/// The baseline is Wasmtime alone (instantiate + _start of the same trivial module, no WAGI plumbing).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class InvokeBenchmarks
{
    private readonly WagiLimits _limits = WagiLimits.Default;
    private WasmRuntime _runtime = null!;
    private WasmModule _trivial = null!;
    private WasmModule _probe = null!;
    private Wasmtime.Module _bareModule = null!;
    private WagiRequest _get = null!;
    private WagiRequest _hello = null!;
    private WagiRequest _post = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = BenchModules.NewRuntime(Path.Combine(BenchModules.WorkDir, "cache-invoke"));
        _trivial = _runtime.LoadAsync(BenchModules.Trivial()).GetAwaiter().GetResult();
        _probe = _runtime.LoadAsync(BenchModules.Build("probe-wasm", "probe.wasm")).GetAwaiter().GetResult();
        _bareModule = Wasmtime.Module.FromText(BareEngine.Engine, "trivial", BenchModules.TrivialWat);
        _get = BenchModules.BrowserGet("/");
        _hello = BenchModules.BrowserGet("/hello");
        _post = BenchModules.BrowserGet("/echo") with { Method = "POST", Body = new byte[1024], Headers = [.. _hello.Headers, new("Content-Type", "application/octet-stream")] };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bareModule.Dispose();
        _runtime.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Wasmtime only: instantiate + _start (trivial WAT)")]
    public void BareInstantiateAndStart()
    {
        using var store = new Store(BareEngine.Engine);
        store.Fuel = 1_000_000;
        store.SetEpochDeadline(1_000);
        store.SetWasiConfiguration(new WasiConfiguration());
        BareEngine.Linker.Instantiate(store, _bareModule).GetAction("_start")!.Invoke();
    }

    [Benchmark(Description = "WAGI: trivial WAT handler")]
    public int WagiTrivial() => _trivial.Invoke(_get, _limits).Status;

    [Benchmark(Description = "WAGI: C probe /hello (wasi-libc)")]
    public int WagiProbeHello() => _probe.Invoke(_hello, _limits).Status;

    [Benchmark(Description = "WAGI: C probe POST /echo 1 KiB")]
    public int WagiProbeEcho1KiB() => _probe.Invoke(_post, _limits).Status;

    /// <summary>An engine configured like the runtime's, for the bare baseline.</summary>
    private static class BareEngine
    {
        public static readonly Engine Engine = CreateEngine();
        public static readonly Linker Linker = CreateLinker();

        private static Engine CreateEngine()
        {
            using var pool = new PoolingAllocationConfig().WithMaxCoreInstances(64).WithMaxMemories(64).WithMaxTables(64).WithMaxMemorySize(256 << 20);
            using var config = new Config().WithPoolingAllocationStrategy(pool).WithMemoryInitCopyOnWrite(true).WithEpochInterruption(true).WithFuelConsumption(true);
            return new Engine(config);
        }

        private static Linker CreateLinker()
        {
            var linker = new Linker(Engine);
            linker.DefineWasi();
            return linker;
        }
    }
}
