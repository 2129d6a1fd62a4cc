using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// A compiled, validated WAGI module. Thread-safe: each <see cref="Invoke"/> runs in a fresh store and instance,
/// so nothing a request leaves in memory or globals reaches the next. Owned and freed by its <see cref="WasmRuntime"/>.
/// </summary>
public sealed class WasmModule
{
    /// <summary>How much of stderr is kept for the grain log.</summary>
    public const int StderrKeptBytes = 64 << 10;

    private const string StorageGuestPath = "/var";

    private readonly WasmRuntime _runtime;
    private readonly Module _module;
    private readonly long _minimumMemory;

    internal WasmModule(WasmRuntime runtime, Module module, string name, string sha256, bool loadedFromCache)
    {
        _runtime = runtime;
        _module = module;
        _minimumMemory = ModuleValidator.MinimumMemoryBytes(module);
        Name = name;
        Sha256 = sha256;
        LoadedFromCache = loadedFromCache;
    }

    /// <summary>The module's file name; also its <c>argv[0]</c>.</summary>
    public string Name { get; }

    /// <summary>SHA-256 of the module's bytes, lower-case hex: its identity in the cache.</summary>
    public string Sha256 { get; }

    /// <summary>True when the compiled code came from the disk cache rather than a compilation.</summary>
    public bool LoadedFromCache { get; }

    /// <summary>
    /// Runs the module once for <paramref name="request"/> on the calling thread (CPU-bound: call it from the
    /// thread pool) and returns its response, or a 5xx whose <see cref="WagiResponse.Failure"/> says which limit or
    /// fault stopped it. Never throws for anything the module does; throws <see cref="InvalidOperationException"/>
    /// when <see cref="WagiRequest.StorageDir"/> cannot be opened, a host fault.
    /// </summary>
    public WagiResponse Invoke(WagiRequest request, WagiLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        var time = _runtime.TimeProvider;
        var started = time.GetTimestamp();
        var memoryCap = Math.Min(limits.MemoryBytes, _runtime.Options.MaxMemoryBytes);
        if (_minimumMemory > memoryCap)
        {
            return Fail(request, started, new(WagiFailureKind.MemoryLimit,
                $"The app needs {WagiFailures.Bytes(_minimumMemory)} of memory to start; its limit is {WagiFailures.Bytes(memoryCap)}."));
        }

        if (!_runtime.TryEnterInstance())
        {
            return Fail(request, started, new(WagiFailureKind.Busy, WagiFailures.Busy(_runtime.Options.MaxConcurrentInstances)));
        }

        var files = _runtime.Files;
        var stdout = files.Rent();
        var stderr = files.Rent();
        MemoryFile? stdin = null;
        try
        {
            if (!request.Body.IsEmpty)
            {
                stdin = files.Rent();
                stdin.Write(request.Body.Span);
            }

            var invocation = new Invocation(time, started, limits, stdout, stderr, cancellationToken);
            WagiFailure? failure;
            long fuelLeft;
            using (var store = new Store(_runtime.Engine, invocation))
            {
                store.Fuel = (ulong)limits.Fuel;
                store.SetLimits(memorySize: memoryCap, tableElements: null, instances: 1, tables: null, memories: 1);
                store.SetEpochDeadline(1);
                store.SetEpochDeadlineCallback(Invocation.OnEpoch);
                store.SetWasiConfiguration(Wasi(request, stdin, stdout, stderr));
                failure = Run(store, invocation, request, memoryCap, limits.Fuel);
                fuelLeft = (long)store.Fuel;
            }

            // Stopped from the epoch callback, Wasmtime has not flushed the fuel counter: charge the whole budget.
            var fuelUsed = invocation.Stopped is not null ? limits.Fuel : limits.Fuel - fuelLeft;
            var response = failure is null ? ReadResponse(stdout, limits) : WagiFailures.Response(failure.Kind, failure.Message);
            if (response.Failure is not null)
            {
                _runtime.Logger.RequestFailed(request.Method, request.RawPath, Name, response.Failure.Kind, response.Failure.Message);
            }

            return response with
            {
                FuelUsed = fuelUsed,
                Elapsed = time.GetElapsedTime(started),
                Stderr = stderr.Read((int)Math.Min(stderr.Length, StderrKeptBytes)),
            };
        }
        finally
        {
            files.Return(stdout);
            files.Return(stderr);
            if (stdin is not null)
            {
                files.Return(stdin);
            }

            _runtime.ExitInstance();
        }
    }

    internal void Dispose() => _module.Dispose();

    private WasiConfiguration Wasi(WagiRequest request, MemoryFile? stdin, MemoryFile stdout, MemoryFile stderr)
    {
        var wasi = new WasiConfiguration()
            .WithArgs(CgiEnvironment.Arguments(Name, request))
            .WithEnvironmentVariables(CgiEnvironment.Build(request))
            .WithStandardOutput(stdout.Path)
            .WithStandardError(stderr.Path);
        if (stdin is not null)
        {
            wasi.WithStandardInput(stdin.Path);
        }

        if (request.StorageDir is not null)
        {
            // The only directory the module can name. Wasmtime resolves every path beneath it and refuses '..'
            // and symlinks that lead out, so the rest of the host stays invisible.
            wasi.WithPreopenedDirectory(request.StorageDir, StorageGuestPath, mutable: true);
        }

        return wasi;
    }

    /// <summary>Instantiates and runs <c>_start</c>; returns null on success or the reason it failed.</summary>
    private WagiFailure? Run(Store store, Invocation invocation, WagiRequest request, long memoryCap, long fuel)
    {
        Instance? instance = null;
        try
        {
            instance = _runtime.Linker.Instantiate(store, _module);
            instance.GetAction("_start")!.Invoke();
            return null;
        }
        catch (WasmtimeException e)
        {
            if (e.ExitCode == 0)
            {
                return null;
            }

            _runtime.Logger.RequestFailureDetail(request.Method, request.RawPath, Name, e.Message);
            if (invocation.Stopped is not null)
            {
                return invocation.Stopped;
            }

            if (e is TrapException { Type: TrapCode.OutOfFuel })
            {
                return new(WagiFailureKind.FuelExhausted, WagiFailures.FuelExhausted(fuel));
            }

            // Growing memory past the cap fails quietly (memory.grow returns -1) and the program then aborts or
            // exits. A failure with memory within an eighth of the cap is reported as the memory limit.
            var memory = instance?.GetMemory("memory")?.GetLength() ?? 0;
            if (memory > memoryCap - memoryCap / 8)
            {
                return new(WagiFailureKind.MemoryLimit, WagiFailures.MemoryLimit(memoryCap));
            }

            return e.ExitCode is { } code
                ? new(WagiFailureKind.ExitCode, $"The app exited with status {code}.")
                : new(WagiFailureKind.Trap, $"The app crashed: {WasmtimeMessages.Summary(e.Message)}.");
        }
    }

    private static WagiResponse ReadResponse(MemoryFile stdout, WagiLimits limits)
    {
        // The epoch check runs once per tick, so a fast module can finish past the cap between two checks.
        var length = stdout.Length;
        return length > limits.MaxResponseBytes
            ? WagiFailures.Response(WagiFailureKind.ResponseTooLarge, WagiFailures.ResponseTooLarge("stdout", limits.MaxResponseBytes))
            : CgiResponseParser.Parse(stdout.Read((int)length));
    }

    private WagiResponse Fail(WagiRequest request, long started, WagiFailure failure)
    {
        _runtime.Logger.RequestFailed(request.Method, request.RawPath, Name, failure.Kind, failure.Message);
        return WagiFailures.Response(failure.Kind, failure.Message) with { Elapsed = _runtime.TimeProvider.GetElapsedTime(started) };
    }
}
