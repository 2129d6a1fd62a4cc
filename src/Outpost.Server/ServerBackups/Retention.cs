using System.Globalization;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// Which snapshots to keep, as restic's <c>--keep-daily N --keep-weekly M</c>: walking from the newest, the newest
/// snapshot of each of the last N days that have one is kept, and likewise for the last M ISO weeks. The newest
/// snapshot is always kept. Days and weeks are UTC.
/// </summary>
public static class Retention
{
    /// <summary>The ids to keep among <paramref name="snapshots"/> (id and time).</summary>
    public static IReadOnlySet<string> Keep(IEnumerable<(string Id, DateTimeOffset At)> snapshots, int keepDaily, int keepWeekly, int keepLast = 1)
    {
        var newestFirst = snapshots.OrderByDescending(s => s.At).ThenByDescending(s => s.Id, StringComparer.Ordinal).ToList();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        if (newestFirst.Count is 0)
        {
            return keep;
        }

        keep.UnionWith(newestFirst.Take(Math.Max(1, keepLast)).Select(s => s.Id));
        KeepNewestPer(newestFirst, keepDaily, s => s.UtcDateTime.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), keep);
        KeepNewestPer(newestFirst, keepWeekly, s => $"{ISOWeek.GetYear(s.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(s.UtcDateTime)}", keep);
        return keep;
    }

    private static void KeepNewestPer(List<(string Id, DateTimeOffset At)> newestFirst, int count, Func<DateTimeOffset, string> bucket, HashSet<string> keep)
    {
        string? last = null;
        var buckets = 0;
        foreach (var (id, at) in newestFirst)
        {
            if (buckets >= count)
            {
                return;
            }

            var current = bucket(at);
            if (current != last)
            {
                keep.Add(id);
                last = current;
                buckets++;
            }
        }
    }
}
