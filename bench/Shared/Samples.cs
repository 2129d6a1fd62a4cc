namespace Outpost.Bench;

/// <summary>The summary figures the benchmarks report from their timed samples.</summary>
internal static class Samples
{
    /// <summary>The middle sample (of an even count, the upper of the two middle ones).</summary>
    public static double Median(IReadOnlyCollection<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyCollection<double> samples, int percentile)
    {
        var sorted = samples.Order().ToArray();
        var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
