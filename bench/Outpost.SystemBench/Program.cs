using Outpost.SystemBench;

// Whole-system benchmarks of a real `outpost serve` process against the same app run bare.
// Usage: dotnet run --project bench/Outpost.SystemBench -c Release -- [--iterations N] [--seconds S]
// Needs ./run to have built artifacts/outpost and artifacts/apps/notes.opk, and wrk on PATH.
var options = BenchOptions.Parse(args);
await using var scenario = await Scenario.StartAsync(options);
var report = new Report(options);

report.ColdStart(await ColdStart.MeasureOutpostAsync(scenario, options.Iterations), await ColdStart.MeasureBareAsync(options, options.Iterations));
report.Throughput(await Throughput.MeasureOutpostAsync(scenario, options), await Throughput.MeasureBareAsync(options));
report.IdleMemory(await IdleMemory.MeasureAsync(scenario, grains: 100));

Console.WriteLine(report.ToMarkdown());
