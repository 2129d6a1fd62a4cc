using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Benchmarks;

/// <summary>
/// Cold start of a module after a server restart: a fresh runtime loading the guestbook with an empty disk cache
/// (compile + validate + serialise + write) or with the compiled module already cached (read + hash + map).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15)]
public class ModuleLoadBenchmarks
{
    private string _module = null!;
    private string _warmCache = null!;
    private string _coldCache = null!;
    private WasmRuntime? _runtime;

    [GlobalSetup]
    public void Setup()
    {
        _module = BenchModules.Build("guestbook-wasm", "guestbook.wasm");
        _warmCache = Path.Combine(BenchModules.WorkDir, "cache-warm");
        _coldCache = Path.Combine(BenchModules.WorkDir, "cache-cold");
        using var runtime = BenchModules.NewRuntime(_warmCache, slots: 4);
        runtime.LoadAsync(_module).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(CacheMiss))]
    public void EmptyCache()
    {
        if (Directory.Exists(_coldCache))
        {
            Directory.Delete(_coldCache, recursive: true);
        }

        _runtime = BenchModules.NewRuntime(_coldCache, slots: 4);
    }

    [IterationSetup(Target = nameof(CacheHit))]
    public void WarmCache() => _runtime = BenchModules.NewRuntime(_warmCache, slots: 4);

    [IterationCleanup]
    public void DisposeRuntime() => _runtime?.Dispose();

    [Benchmark(Baseline = true, Description = "load guestbook.wasm, cache miss (compile)")]
    public bool CacheMiss() => Load(expectFromCache: false);

    [Benchmark(Description = "load guestbook.wasm, cache hit (deserialize)")]
    public bool CacheHit() => Load(expectFromCache: true);

    private bool Load(bool expectFromCache)
    {
        var module = _runtime!.LoadAsync(_module).GetAwaiter().GetResult();
        return module.LoadedFromCache == expectFromCache ? true : throw new InvalidOperationException("unexpected cache state");
    }
}
