using System.Diagnostics;
using System.Globalization;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Benchmarks;

/// <summary>
/// Per-request latency percentiles, which BenchmarkDotNet cannot give (it averages many invocations per
/// iteration): times every single Invoke, then runs one worker per core for a few seconds for in-process throughput.
/// </summary>
public static class LatencyRun
{
    public static void Run(int requests)
    {
        using var runtime = BenchModules.NewRuntime(Path.Combine(BenchModules.WorkDir, "cache-latency"));
        var trivial = runtime.LoadAsync(BenchModules.Trivial()).GetAwaiter().GetResult();
        var probe = runtime.LoadAsync(BenchModules.Build("probe-wasm", "probe.wasm")).GetAwaiter().GetResult();
        var cases = new (string Name, WasmModule Module, WagiRequest Request)[]
        {
            ("WAGI: trivial WAT handler", trivial, BenchModules.BrowserGet("/")),
            ("WAGI: C probe /hello (wasi-libc)", probe, BenchModules.BrowserGet("/hello")),
        };

        Console.WriteLine($"{requests:N0} sequential requests per case after {requests / 10:N0} warm-up; then {Environment.ProcessorCount} workers for 3 s.");
        Console.WriteLine("| case | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | req/s, 1 thread | req/s, all cores |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, module, request) in cases)
        {
            var samples = Measure(module, request, requests);
            var sequential = requests / samples.Sum() * 1e6;
            Array.Sort(samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {At(samples, 0.50):F1} | {At(samples, 0.90):F1} | {At(samples, 0.99):F1} | {At(samples, 0.999):F1} | {samples[^1]:F0} | {sequential:N0} | {Throughput(module, request, TimeSpan.FromSeconds(3)):N0} |"));
        }
    }

    private static double[] Measure(WasmModule module, WagiRequest request, int requests)
    {
        var limits = WagiLimits.Default;
        for (var i = 0; i < requests / 10; i++)
        {
            Check(module.Invoke(request, limits));
        }

        var samples = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = module.Invoke(request, limits);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            Check(response);
        }

        return samples;
    }

    private static double Throughput(WasmModule module, WagiRequest request, TimeSpan duration)
    {
        var limits = WagiLimits.Default;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long total = 0;
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            long count = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                Check(module.Invoke(request, limits));
                count++;
            }

            Interlocked.Add(ref total, count);
        })).ToList();
        var started = Stopwatch.GetTimestamp();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];

    private static void Check(WagiResponse response)
    {
        if (response.Failure is not null)
        {
            throw new InvalidOperationException(response.Failure.Message);
        }
    }
}
