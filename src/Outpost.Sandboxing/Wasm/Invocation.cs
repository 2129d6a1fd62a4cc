using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// One request's running state, kept as the store's data so the epoch callback can judge it. The store's epoch
/// deadline is one tick ahead and this callback renews it, so every tick the running module is checked for its
/// wall-clock deadline, cancellation and output size, and stopped (by throwing) if it has passed one.
/// </summary>
internal sealed class Invocation
{
    /// <summary>One shared delegate: no per-request closure on the hot path.</summary>
    public static readonly Store.EpochDeadlineCallback OnEpoch = static store => ((Invocation)store.GetData()!).Check();

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan _deadline;
    private readonly long _maxOutput;
    private readonly MemoryFile _stdout;
    private readonly MemoryFile _stderr;
    private readonly CancellationToken _cancellation;

    public Invocation(TimeProvider time, long started, WagiLimits limits, MemoryFile stdout, MemoryFile stderr, CancellationToken cancellation)
    {
        _time = time;
        _started = started;
        _deadline = limits.Deadline;
        _maxOutput = limits.MaxResponseBytes;
        _stdout = stdout;
        _stderr = stderr;
        _cancellation = cancellation;
    }

    /// <summary>Set when the callback stopped the module; says why (Wasmtime only sees an exception).</summary>
    public WagiFailure? Stopped { get; private set; }

    private ulong Check()
    {
        if (_cancellation.IsCancellationRequested)
        {
            Stop(WagiFailureKind.Cancelled, "The request was cancelled, usually because the client went away.");
        }

        if (_time.GetElapsedTime(_started) >= _deadline)
        {
            Stop(WagiFailureKind.DeadlineExceeded, WagiFailures.DeadlineExceeded(_deadline));
        }

        // Output goes to memfds (RAM): without this check a module could fill memory until its deadline. It may
        // overshoot by what it writes in one tick; the response is refused either way.
        if (_stdout.Length > _maxOutput)
        {
            Stop(WagiFailureKind.ResponseTooLarge, WagiFailures.ResponseTooLarge("stdout", _maxOutput));
        }

        if (_stderr.Length > _maxOutput)
        {
            Stop(WagiFailureKind.ResponseTooLarge, WagiFailures.ResponseTooLarge("stderr", _maxOutput));
        }

        return 1;
    }

    private void Stop(WagiFailureKind kind, string message)
    {
        Stopped = new WagiFailure(kind, message);

        // Wasmtime unwinds the guest and wraps this in the WasmtimeException that Linker/_start throws.
        throw new OperationCanceledException(message);
    }
}
