using Outpost.Server.ServerBackups;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>The keep-daily / keep-weekly rules, as restic applies them, over many simulated days.</summary>
public sealed class RetentionTests
{
    // A Monday, so ISO weeks line up with the arithmetic below.
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HourlySnapshotsOverEightWeeks_KeepTheNewestOfSevenDaysAndFourWeeks()
    {
        var snapshots = Enumerable.Range(0, 8 * 7 * 24).Select(h => ($"s{h:D5}", Start.AddHours(h))).ToList();

        var keep = Retention.Keep(snapshots, keepDaily: 7, keepWeekly: 4);

        // The last hour of each of the last 7 days (the whole last week), plus the last hour of the 3 weeks before.
        var lastHour = (8 * 7 * 24) - 1;
        var expected = Enumerable.Range(0, 7).Select(d => lastHour - (d * 24))
            .Concat(Enumerable.Range(1, 3).Select(w => lastHour - (w * 7 * 24)))
            .Select(h => $"s{h:D5}").ToHashSet();
        Assert.Equal(expected.Order(), keep.Order());
    }

    [Fact]
    public void ADailyScheduleOverHalfAYear_AppliedAfterEachBackup_KeepsNineAndAlwaysTheNewest()
    {
        var time = new ManualClock(Start.AddHours(3));
        var kept = new List<(string Id, DateTimeOffset At)>();
        for (var day = 0; day < 180; day++)
        {
            var id = $"d{day:D3}";
            kept.Add((id, time.GetUtcNow()));
            var keep = Retention.Keep(kept, keepDaily: 7, keepWeekly: 4);
            Assert.Contains(id, keep);
            kept.RemoveAll(s => !keep.Contains(s.Id));
            time.Advance(TimeSpan.FromDays(1));
        }

        // Day 179 is a Friday: the 7 last days (Saturday d173 to d179), and the Sundays ending the 3 weeks before the
        // current one (d174, already kept; d167; d160).
        Assert.Equal(["d160", "d167", "d173", "d174", "d175", "d176", "d177", "d178", "d179"], kept.Select(s => s.Id).Order().ToArray());
    }

    [Fact]
    public void NothingToKeepByDayOrWeek_StillKeepsTheNewest_AndKeepLastKeepsMore()
    {
        var snapshots = Enumerable.Range(0, 10).Select(i => ($"s{i}", Start.AddMinutes(i))).ToList();

        Assert.Equal(["s9"], Retention.Keep(snapshots, keepDaily: 0, keepWeekly: 0));
        Assert.Equal(["s7", "s8", "s9"], Retention.Keep(snapshots, keepDaily: 7, keepWeekly: 4, keepLast: 3).Order());
        Assert.Empty(Retention.Keep([], keepDaily: 7, keepWeekly: 4));
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
