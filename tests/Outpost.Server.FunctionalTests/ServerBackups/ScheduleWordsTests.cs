using Outpost.Server.Shell;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>How the Backups page and 'outpost server backups' say how often backups run.</summary>
public sealed class ScheduleWordsTests
{
    [Theory]
    [InlineData("1.00:00:00", "daily")]
    [InlineData("7.00:00:00", "weekly")]
    [InlineData("01:00:00", "hourly")]
    [InlineData("2.00:00:00", "every 2 days")]
    [InlineData("06:00:00", "every 6 hours")]
    [InlineData("1.12:00:00", "every 36 hours")]
    [InlineData("00:30:00", "every 30 minutes")]
    [InlineData("00:00:45", "every 45 seconds")]
    [InlineData("00:01:30", "every 1 min 30 s")]
    public void Intervals_AreSaidInWords(string interval, string expected) =>
        Assert.Equal(expected, Format.Every(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
}
