using Outpost.SystemBench;

// Whole-system benchmarks of a real `outpost serve` process against the same app run bare.
// Usage: dotnet run --project bench/Outpost.SystemBench -c Release -- [--iterations N] [--seconds S] [--suite notes|real-apps]
// Needs ./run to have built artifacts/outpost and artifacts/apps/{notes,probe-wasm}.opk, and wrk on PATH;
// the real-apps suite needs scripts/pack-real-apps to have built artifacts/apps/{tiddlywiki,node-red}.opk.
var options = BenchOptions.Parse(args);
await using var scenario = await Scenario.StartAsync(options);
var report = new Report(options);
if (options.Suite == "real-apps")
{
    foreach (var app in (string[])["tiddlywiki", "node-red"])
    {
        report.RealApp(await RealApps.MeasureAsync(scenario, options, app));
    }

    Console.WriteLine(report.ToMarkdown());
    return;
}

report.ColdStart(await ColdStart.MeasureOutpostAsync(scenario, options.Iterations), await ColdStart.MeasureBareAsync(options, options.Iterations));
var native = await Throughput.MeasureOutpostAsync(scenario, options);
report.Throughput(native, await Throughput.MeasureBareAsync(options));
report.Wasm(await Throughput.MeasureWasmAsync(scenario, options), native);
report.IdleMemory(await IdleMemory.MeasureAsync(scenario, grains: 100));

Console.WriteLine(report.ToMarkdown());
