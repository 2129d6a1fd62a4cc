using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>Configures the one Wasmtime engine every WAGI request shares, and names that configuration for the module cache.</summary>
internal static class EngineSetup
{
    // Raise when anything below changes the compiled code, so old cache entries are never even tried.
    private const int SetupVersion = 1;

    // Zeroing this much of a freed memory slot in place is cheaper than a page fault for each page on the next
    // request; the rest is given back to the kernel.
    private const int KeepResidentBytes = 1 << 20;

    public static Engine Create(WasmRuntimeOptions options)
    {
        var slots = (uint)options.MaxConcurrentInstances;

        // The pooling allocator reserves every instance's memory, tables and metadata once, up front, so a request
        // instantiates without mmap/munmap; with copy-on-write initialisation the module's data segments are
        // mapped from one shared image instead of copied into each instance.
        using var pool = new PoolingAllocationConfig()
            .WithMaxCoreInstances(slots)
            .WithMaxMemories(slots)
            .WithMaxTables(slots)
            .WithMaxMemorySize((nuint)options.MaxMemoryBytes)
            .WithMaxUnusedWarmSlots(Math.Min(slots, 64))
            .WithLinearMemoryKeepResidentBytes(KeepResidentBytes)
            .WithTableKeepResidentBytes(KeepResidentBytes);
        using var config = new Config()
            .WithPoolingAllocationStrategy(pool)
            .WithMemoryInitCopyOnWrite(true)
            .WithEpochInterruption(true)
            .WithFuelConsumption(true)
            .WithOptimizationLevel(OptimizationLevel.Speed)
            .WithParallelCompilation(true);
        return new Engine(config);
    }

    /// <summary>
    /// Short hash of the Wasmtime version and every setting that shapes compiled code. Wasmtime refuses an
    /// incompatible artifact on its own too; the fingerprint just keeps such files apart and unloaded.
    /// </summary>
    public static string Fingerprint(WasmRuntimeOptions options)
    {
        var description = string.Join('|',
            "outpost-wagi-" + SetupVersion,
            "wasmtime-" + typeof(Engine).Assembly.GetName().Version,
            RuntimeInformation.ProcessArchitecture,
            "pooling",
            "max-memory=" + options.MaxMemoryBytes,
            "cow",
            "epoch",
            "fuel",
            "opt=speed");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16];
    }
}
