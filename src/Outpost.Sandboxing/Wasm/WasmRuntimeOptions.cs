namespace Outpost.Sandboxing.Wasm;

/// <summary>Settings of the shared WebAssembly engine (bound from <c>Outpost:Wasm</c>).</summary>
public sealed record WasmRuntimeOptions
{
    /// <summary>
    /// Directory of compiled modules (<c>*.cwasm</c>), created with mode 0700 if missing. Entries are native code
    /// that is mapped and run without checks, so only Outpost may write here; a restart finds them and skips
    /// compilation. Required.
    /// </summary>
    public required string CacheDir { get; init; }

    /// <summary>
    /// The largest linear memory any request may have, in bytes; each request's <see cref="WagiLimits.MemoryBytes"/>
    /// is capped by it. It sizes the slots of the pooling allocator (virtual address space, not RAM). Default 256 MiB.
    /// </summary>
    public long MaxMemoryBytes { get; init; } = 256L << 20;

    /// <summary>
    /// How many instances may run at once over the whole engine (the pooling allocator's slot count). A request
    /// beyond that is answered 503 at once rather than queued. Default 256.
    /// </summary>
    public int MaxConcurrentInstances { get; init; } = 256;

    /// <summary>
    /// Period of the epoch ticker. Deadlines, cancellation and the response-size cap are checked once per tick
    /// while a module runs, so this is their precision. Default 10 ms.
    /// </summary>
    public TimeSpan EpochTick { get; init; } = TimeSpan.FromMilliseconds(10);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(CacheDir, nameof(CacheDir));
        if (MaxMemoryBytes < 1L << 16 || MaxMemoryBytes > 4L << 30)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMemoryBytes), MaxMemoryBytes, "must be between 64 KiB and 4 GiB (wasm32)");
        }

        if (MaxConcurrentInstances is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentInstances), MaxConcurrentInstances, "must be between 1 and 100000");
        }

        if (EpochTick < TimeSpan.FromMilliseconds(1) || EpochTick > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(EpochTick), EpochTick, "must be between 1 ms and 1 s");
        }
    }
}
