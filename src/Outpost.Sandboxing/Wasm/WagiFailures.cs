using System.Globalization;
using System.Text;

namespace Outpost.Sandboxing.Wasm;

/// <summary>Builds the response, status code and wording for each way a request can fail.</summary>
internal static class WagiFailures
{
    private static readonly KeyValuePair<string, string>[] TextHeaders =
    [
        new("Content-Type", "text/plain; charset=utf-8"),
        new("Cache-Control", "no-store"),
    ];

    public static int StatusOf(WagiFailureKind kind) => kind switch
    {
        WagiFailureKind.DeadlineExceeded => 504,
        WagiFailureKind.Busy or WagiFailureKind.Cancelled => 503,
        WagiFailureKind.RequestTooLarge => 413,
        _ => 500,
    };

    public static WagiResponse Response(WagiFailureKind kind, string message) => new()
    {
        Status = StatusOf(kind),
        Headers = TextHeaders,
        Body = Encoding.UTF8.GetBytes(message + "\n"),
        Failure = new WagiFailure(kind, message),
    };

    public static string FuelExhausted(long fuel) =>
        $"The app used its whole fuel budget of {fuel.ToString("N0", CultureInfo.InvariantCulture)} units for this request and was stopped.";

    public static string DeadlineExceeded(TimeSpan deadline) =>
        $"The app did not finish within its deadline of {Duration(deadline)} and was stopped.";

    public static string MemoryLimit(long limit) =>
        $"The app ran out of memory: its limit is {Bytes(limit)}.";

    public static string ResponseTooLarge(string stream, long limit) =>
        $"The app wrote more than {Bytes(limit)} to {stream} and was stopped.";

    public static string Busy(int slots) =>
        $"All {slots} WebAssembly instance slots are in use; try again shortly.";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes",
    };

    private static string Duration(TimeSpan duration) =>
        duration.TotalSeconds >= 1 && duration.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{(long)duration.TotalSeconds} s"
            : $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms";
}
