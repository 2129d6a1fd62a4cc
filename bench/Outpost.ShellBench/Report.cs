using System.Globalization;
using System.Text;
using static Outpost.Bench.Samples;

namespace Outpost.ShellBench;

/// <summary>The figures as markdown tables, ready for docs/benchmarks.md.</summary>
internal static class Report
{
    public static string Markdown(ShellBenchOptions options, PageTimings empty, PageTimings busy, List<Fetched> coldEmpty, List<Fetched> coldBusy)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Machine: {CpuModel()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; server and client in one process over loopback."))
            .AppendLine()
            .AppendLine(Invariant($"### Grains page render, server side (GET /, {options.Requests} sequential requests after {options.Warmup} warm-up)"))
            .AppendLine()
            .AppendLine("| account | grains in HTML | HTML KiB | first byte p50 ms | p99 ms | complete p50 ms | p99 ms |")
            .AppendLine("|---|---|---|---|---|---|---|");
        Row(text, "no grains (baseline)", empty);
        Row(text, Invariant($"{options.Grains} grains"), busy);
        text.AppendLine(Invariant($"| **ratio {options.Grains} / none (complete p50)** | | | | | **{Percentile(busy.CompleteMs, 50) / Percentile(empty.CompleteMs, 50):F1}×** | |"))
            .AppendLine()
            .AppendLine(Invariant($"HTML per grain row: {(busy.Bytes - empty.Bytes) / (double)Math.Max(1, options.Grains):F0} bytes."))
            .AppendLine()
            .AppendLine("### What the browser downloads for the shell (cold cache, signed in, GET / until the network is idle)")
            .AppendLine()
            .AppendLine("| account | requests | on the wire KiB (headers + bodies) | bodies decoded KiB |")
            .AppendLine("|---|---|---|---|");
        Cold(text, "no grains", coldEmpty);
        Cold(text, Invariant($"{options.Grains} grains"), coldBusy);
        Resources(text, "no grains", coldEmpty);
        Resources(text, Invariant($"{options.Grains} grains"), coldBusy);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, PageTimings t) =>
        text.AppendLine(Invariant($"| {name} | {t.GrainsRendered} | {t.Bytes / 1024.0:F1} | {Percentile(t.FirstByteMs, 50):F2} | {Percentile(t.FirstByteMs, 99):F2} | {Percentile(t.CompleteMs, 50):F2} | {Percentile(t.CompleteMs, 99):F2} |"));

    private static void Resources(StringBuilder text, string name, List<Fetched> fetched)
    {
        text.AppendLine()
            .AppendLine(Invariant($"| resource ({name}) | type | status | wire body bytes | decoded bytes |"))
            .AppendLine("|---|---|---|---|---|");
        foreach (var f in fetched)
        {
            text.AppendLine(Invariant($"| {new Uri(f.Url).PathAndQuery} | {f.Type} | {f.Status} | {f.WireBodyBytes} | {f.DecodedBodyBytes} |"));
        }
    }

    private static void Cold(StringBuilder text, string name, List<Fetched> fetched) =>
        text.AppendLine(Invariant($"| {name} | {fetched.Count} | {fetched.Sum(f => f.HeaderBytes + f.WireBodyBytes) / 1024.0:F1} | {fetched.Sum(f => f.DecodedBodyBytes) / 1024.0:F1} |"));

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
