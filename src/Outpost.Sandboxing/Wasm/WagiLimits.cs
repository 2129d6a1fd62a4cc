namespace Outpost.Sandboxing.Wasm;

/// <summary>What one WAGI request may use. A request that reaches a limit is stopped and answered with a 5xx.</summary>
public sealed record WagiLimits
{
    /// <summary>Defaults: 1e9 fuel, 10 s, 64 MiB of memory, 16 MiB of response.</summary>
    public static WagiLimits Default { get; } = new();

    /// <summary>
    /// Gas: Wasmtime fuel, about one unit per WebAssembly instruction. A trivial handler uses a few thousand;
    /// the default (1,000,000,000) is roughly a second of CPU.
    /// </summary>
    public long Fuel { get; init; } = 1_000_000_000;

    /// <summary>Wall-clock time from the start of instantiation, enforced by epoch interruption. Default 10 s.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cap on the module's linear memory in bytes (capped again by the runtime's maximum). Default 64 MiB.</summary>
    public long MemoryBytes { get; init; } = 64L << 20;

    /// <summary>Cap on what the module writes to stdout (headers and body), and separately to stderr. Default 16 MiB.</summary>
    public long MaxResponseBytes { get; init; } = 16L << 20;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Fuel, nameof(Fuel));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Deadline, TimeSpan.Zero, nameof(Deadline));
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryBytes, 1L << 16, nameof(MemoryBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxResponseBytes, nameof(MaxResponseBytes));

        // Responses are returned as one array.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxResponseBytes, Array.MaxLength - 1, nameof(MaxResponseBytes));
    }
}
