using System.Globalization;
using System.Text;
using static Outpost.Bench.Samples;

namespace Outpost.SystemBench;

/// <summary>Collects the figures and prints them as the markdown tables docs/benchmarks.md uses.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly StringBuilder _text = new();

    public void ColdStart(double[] outpost, double[] bare)
    {
        var (o50, b50) = (Percentile(outpost, 50), Percentile(bare, 50));
        _text.AppendLine(Invariant($"### Cold start ({options.Iterations} runs each, first request → first byte)"))
            .AppendLine()
            .AppendLine("| | p50 ms | p90 ms | min ms |")
            .AppendLine("|---|---|---|---|")
            .AppendLine(Invariant($"| bare `node server.js` (baseline) | {b50:F1} | {Percentile(bare, 90):F1} | {bare.Min():F1} |"))
            .AppendLine(Invariant($"| through Outpost (sandbox + bridge + router) | {o50:F1} | {Percentile(outpost, 90):F1} | {outpost.Min():F1} |"))
            .AppendLine(Invariant($"| **overhead (p50 difference)** | **{o50 - b50:F1}** | | |"))
            .AppendLine(Invariant($"| ratio Outpost / bare (p50) | {o50 / b50:F2} | | |"))
            .AppendLine();
    }

    public void Throughput(WrkResult outpost, WrkResult bare)
    {
        _text.AppendLine(Invariant($"### Warm throughput (wrk -t2 -c{options.Connections} -d{options.Seconds}s, GET /api/notes)"))
            .AppendLine()
            .AppendLine("| | requests/s | p50 ms | p99 ms | errors |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(Invariant($"| direct to the app (baseline) | {bare.RequestsPerSecond:F0} | {bare.P50Ms:F2} | {bare.P99Ms:F2} | {bare.Errors} |"))
            .AppendLine(Invariant($"| through Outpost | {outpost.RequestsPerSecond:F0} | {outpost.P50Ms:F2} | {outpost.P99Ms:F2} | {outpost.Errors} |"))
            .AppendLine(Invariant($"| **ratio Outpost / direct** | **{outpost.RequestsPerSecond / bare.RequestsPerSecond:P0}** | | | |"))
            .AppendLine();
    }

    public void Wasm(WrkResult wasm, WrkResult native)
    {
        _text.AppendLine(Invariant($"### WebAssembly grain through the session host (wrk -t2 -c{options.Connections} -d{options.Seconds}s)"))
            .AppendLine()
            .AppendLine("| | requests/s | p50 ms | p99 ms | errors |")
            .AppendLine("|---|---|---|---|---|")
            .AppendLine(Invariant($"| native grain (notes, GET /api/notes) | {native.RequestsPerSecond:F0} | {native.P50Ms:F2} | {native.P99Ms:F2} | {native.Errors} |"))
            .AppendLine(Invariant($"| wasm grain (probe, GET /hello, fresh instance per request) | {wasm.RequestsPerSecond:F0} | {wasm.P50Ms:F2} | {wasm.P99Ms:F2} | {wasm.Errors} |"))
            .AppendLine();
    }

    public void IdleMemory((long Before, long After) rss)
    {
        _text.AppendLine("### Server memory (RSS)")
            .AppendLine()
            .AppendLine("| | MiB |")
            .AppendLine("|---|---|")
            .AppendLine(Invariant($"| after start-up and the runs above | {rss.Before / 1048576.0:F1} |"))
            .AppendLine(Invariant($"| with 100 more installed grains, none running | {rss.After / 1048576.0:F1} |"))
            .AppendLine();
    }

    public void RealApp(RealApps.Result result)
    {
        var (o50, b50) = (Percentile(result.ColdStartMs, 50), Percentile(result.BareMs, 50));
        _text.AppendLine(Invariant($"### {result.Name}"))
            .AppendLine()
            .AppendLine("| | value |")
            .AppendLine("|---|---|")
            .AppendLine(Invariant($"| package (.opk) | {result.PackageBytes / 1048576.0:F1} MiB |"))
            .AppendLine(Invariant($"| install (upload, verify, unpack) | {result.InstallMs:F0} ms |"))
            .AppendLine(Invariant($"| disk use once installed | {result.InstalledBytes / 1048576.0:F1} MiB |"))
            .AppendLine(Invariant($"| cold start through Outpost, p50 / p90 ({options.Iterations} runs) | {o50:F0} / {Percentile(result.ColdStartMs, 90):F0} ms |"))
            .AppendLine(Invariant($"| cold start bare, p50 / p90 ({options.Iterations} runs) | {b50:F0} / {Percentile(result.BareMs, 90):F0} ms |"))
            .AppendLine(Invariant($"| ratio Outpost / bare (p50) | {o50 / b50:F2} |"))
            .AppendLine();
    }

    public string ToMarkdown() => _text.ToString();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
