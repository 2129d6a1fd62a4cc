using Microsoft.Extensions.Logging;

namespace Outpost.Sandboxing.Wasm;

/// <summary>What an operator needs to know about WebAssembly modules and the requests they serve.</summary>
internal static partial class WasmRuntimeLog
{
    [LoggerMessage(101, LogLevel.Information, "Wasm engine ready: {Slots} instance slots of up to {MaxMemoryMiB} MiB, epoch tick {TickMs} ms, cache {CacheDir}")]
    public static partial void EngineReady(this ILogger logger, int slots, long maxMemoryMiB, double tickMs, string cacheDir);

    [LoggerMessage(102, LogLevel.Information, "Wasm module {Module} ({Sha256}) compiled in {ElapsedMs} ms and cached")]
    public static partial void ModuleCompiled(this ILogger logger, string module, string sha256, long elapsedMs);

    [LoggerMessage(103, LogLevel.Information, "Wasm module {Module} ({Sha256}) loaded from the cache in {ElapsedMs} ms")]
    public static partial void ModuleLoadedFromCache(this ILogger logger, string module, string sha256, long elapsedMs);

    [LoggerMessage(104, LogLevel.Warning, "Wasm module {Module} refused: {Reason}")]
    public static partial void ModuleRefused(this ILogger logger, string module, string reason);

    [LoggerMessage(105, LogLevel.Warning, "Compiled module {Path} was discarded and will be compiled again: {Reason}")]
    public static partial void CacheEntryRejected(this ILogger logger, string path, string reason);

    [LoggerMessage(106, LogLevel.Warning, "Compiled module could not be cached at {Path}: {Reason}")]
    public static partial void CacheWriteFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(107, LogLevel.Information, "Wasm request {Method} {Path} to {Module} failed ({Kind}): {Message}")]
    public static partial void RequestFailed(this ILogger logger, string method, string path, string module, WagiFailureKind kind, string message);

    [LoggerMessage(108, LogLevel.Debug, "Wasm request {Method} {Path} to {Module}: Wasmtime said {Detail}")]
    public static partial void RequestFailureDetail(this ILogger logger, string method, string path, string module, string detail);
}
