namespace Outpost.Sandboxing.Wasm;

/// <summary>What a WAGI invocation produced: the module's response, or a 5xx explaining which limit or fault stopped it.</summary>
public sealed record WagiResponse
{
    /// <summary>HTTP status code.</summary>
    public required int Status { get; init; }

    /// <summary>
    /// Response headers in the module's order; a name may repeat (<c>Set-Cookie</c>). Hop-by-hop headers and
    /// <c>Content-Length</c> are never included: the server frames the body itself.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The response body.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>
    /// Fuel the request consumed: the gas meter for quotas and hosting costs. A request stopped while running (its
    /// deadline, cancellation, or output past the cap) is charged its whole budget, since Wasmtime cannot tell what
    /// it used at that moment.
    /// </summary>
    public long FuelUsed { get; init; }

    /// <summary>Wall-clock time of instantiate + run + parse.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>What the module wrote to stderr, at most 64 KiB (the rest is dropped): for the grain log.</summary>
    public ReadOnlyMemory<byte> Stderr { get; init; }

    /// <summary>Null on success; otherwise why the module's own response could not be used.</summary>
    public WagiFailure? Failure { get; init; }
}

/// <summary>Why a request got an error instead of the module's response.</summary>
/// <param name="Kind">Which limit or fault.</param>
/// <param name="Message">One sentence for the grain log and the error page, e.g. "The app ran past its deadline of 10 s."</param>
public sealed record WagiFailure(WagiFailureKind Kind, string Message);

/// <summary>The reasons a WAGI request fails; each maps to one status code.</summary>
public enum WagiFailureKind
{
    /// <summary>The fuel budget ran out (500).</summary>
    FuelExhausted,

    /// <summary>The wall-clock deadline passed (504).</summary>
    DeadlineExceeded,

    /// <summary>The module failed with its linear memory at or near the cap (500).</summary>
    MemoryLimit,

    /// <summary>stdout or stderr passed <see cref="WagiLimits.MaxResponseBytes"/> (500).</summary>
    ResponseTooLarge,

    /// <summary>The module trapped: unreachable, out-of-bounds access, stack overflow, abort (500).</summary>
    Trap,

    /// <summary>The module called <c>exit</c> with a non-zero status (500).</summary>
    ExitCode,

    /// <summary>The output was not a valid WAGI response, e.g. no Content-Type or Location (500).</summary>
    InvalidResponse,

    /// <summary>Every instance slot was in use (503).</summary>
    Busy,

    /// <summary>The request was cancelled, normally because the client went away (503).</summary>
    Cancelled,

    /// <summary>The request body was larger than the server accepts (413).</summary>
    RequestTooLarge,
}
