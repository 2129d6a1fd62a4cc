using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Outpost.Benchmarks;

// In-process micro-benchmarks of the WebAssembly sandbox and the permission check; results go to docs/benchmarks.md.
//   dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*'     BenchmarkDotNet (ShortRun)
//   dotnet run -c Release --project bench/Outpost.Benchmarks -- latency [N]      per-request p50/p99 over N requests
//   dotnet run -c Release --project bench/Outpost.Benchmarks -- backup [MiB] [runs]   grain backup write/restore vs tar
// Builds the sample modules from apps/ with clang, lld and wasi-libc (scripts/install-deps).
if (args is ["latency", ..])
{
    LatencyRun.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
    return;
}

if (args is ["backup", ..])
{
    BackupRun.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
    return;
}

var config = DefaultConfig.Instance
    .AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
BenchmarkSwitcher.FromAssembly(typeof(BenchModules).Assembly).Run(args, config);
