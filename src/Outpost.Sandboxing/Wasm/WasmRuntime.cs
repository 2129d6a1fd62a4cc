using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// The WebAssembly sandbox: one shared Wasmtime engine (pooling allocator, copy-on-write memory, epoch
/// interruption, fuel), its epoch ticker thread, and the loaded modules. Create one per process.
/// </summary>
public sealed class WasmRuntime : IDisposable
{
    private readonly WasmRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly ModuleCache _cache;
    private readonly ConcurrentDictionary<string, Lazy<Task<WasmModule>>> _modules = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _stopTicker = new();
    private readonly Thread _ticker;
    private int _running;
    private bool _disposed;

    /// <summary>Creates the engine and starts its epoch ticker; throws on invalid options.</summary>
    public WasmRuntime(WasmRuntimeOptions options, ILogger<WasmRuntime>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _cache = new ModuleCache(options.CacheDir, EngineSetup.Fingerprint(options), _logger);
        Engine = EngineSetup.Create(options);
        Linker = new Linker(Engine);
        Linker.DefineWasi();
        Files = new MemoryFilePool(maxIdle: Math.Min(options.MaxConcurrentInstances * 3, 192));

        // A dedicated thread rather than a timer: requests are CPU-bound and can starve the thread pool, which is
        // exactly when deadlines must still fire.
        _ticker = new Thread(Tick) { IsBackground = true, Name = "Outpost wasm epoch ticker" };
        _ticker.Start();
        _logger.EngineReady(options.MaxConcurrentInstances, options.MaxMemoryBytes >> 20, options.EpochTick.TotalMilliseconds, options.CacheDir);
    }

    /// <summary>The options the runtime was created with.</summary>
    public WasmRuntimeOptions Options => _options;

    internal Engine Engine { get; }

    internal Linker Linker { get; }

    internal MemoryFilePool Files { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger => _logger;

    /// <summary>
    /// Loads a WASI preview 1 module: from memory if this runtime has it already, else from the disk cache
    /// (deserialised, no compilation), else compiled and cached. Throws <see cref="WasmLoadException"/> for a file
    /// that is not valid WebAssembly or imports what Outpost does not provide.
    /// </summary>
    public async Task<WasmModule> LoadAsync(string modulePath, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modulePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(modulePath, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WasmLoadException($"Cannot read the module '{modulePath}': {e.Message}", e);
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var entry = _modules.GetOrAdd(sha256, _ => new Lazy<Task<WasmModule>>(
            () => Task.Run(() => Build(sha256, bytes, modulePath), CancellationToken.None)));
        try
        {
            return await entry.Value.WaitAsync(ct);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // A refused module is not remembered: a fixed file with the same name loads on the next try.
            _modules.TryRemove(new(sha256, entry));
            throw;
        }
    }

    /// <summary>Stops the ticker and frees the engine and every module. Call after requests have stopped.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopTicker.Set();
        _ticker.Join();
        foreach (var entry in _modules.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                entry.Value.Result.Dispose();
            }
        }

        Linker.Dispose();
        Engine.Dispose();
        Files.Dispose();
        _stopTicker.Dispose();
    }

    /// <summary>Takes an instance slot, or says there is none free (the request is then answered 503).</summary>
    internal bool TryEnterInstance()
    {
        if (Interlocked.Increment(ref _running) <= _options.MaxConcurrentInstances)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        return false;
    }

    internal void ExitInstance() => Interlocked.Decrement(ref _running);

    private WasmModule Build(string sha256, byte[] bytes, string modulePath)
    {
        var stopwatch = Stopwatch.StartNew();
        var name = Path.GetFileName(modulePath);
        var module = _cache.TryLoad(Engine, sha256, name);
        var fromCache = module is not null;
        if (module is null)
        {
            try
            {
                module = Module.FromBytes(Engine, name, bytes);
            }
            catch (WasmtimeException e)
            {
                var message = $"'{modulePath}' is not a valid WebAssembly module: {WasmtimeMessages.Summary(e.Message)}";
                _logger.ModuleRefused(modulePath, message);
                throw new WasmLoadException(message, e);
            }
        }

        try
        {
            ModuleValidator.Validate(module, Linker, Engine, modulePath);
        }
        catch (WasmLoadException e)
        {
            _logger.ModuleRefused(modulePath, e.Message);
            module.Dispose();
            throw;
        }

        if (fromCache)
        {
            _logger.ModuleLoadedFromCache(name, sha256, stopwatch.ElapsedMilliseconds);
        }
        else
        {
            _cache.Store(sha256, module);
            _logger.ModuleCompiled(name, sha256, stopwatch.ElapsedMilliseconds);
        }

        return new WasmModule(this, module, name, sha256, fromCache);
    }

    private void Tick()
    {
        while (!_stopTicker.Wait(_options.EpochTick))
        {
            Engine.IncrementEpoch();
        }
    }
}
