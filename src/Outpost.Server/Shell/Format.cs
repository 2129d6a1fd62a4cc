using System.Globalization;

namespace Outpost.Server.Shell;

/// <summary>Numbers and times in the words people read on the pages.</summary>
public static class Format
{
    /// <summary>"just now", "5 minutes ago", "yesterday", "3 Mar 2025".</summary>
    public static string Ago(DateTimeOffset when, DateTimeOffset now)
    {
        var age = now - when;
        return age.TotalSeconds switch
        {
            < 60 => "just now",
            < 120 => "a minute ago",
            < 3600 => $"{(int)age.TotalMinutes} minutes ago",
            < 7200 => "an hour ago",
            < 86400 => $"{(int)age.TotalHours} hours ago",
            < 172800 => "yesterday",
            < 7 * 86400 => $"{(int)age.TotalDays} days ago",
            _ => Date(when),
        };
    }

    /// <summary>"3 Mar 2025" (UTC: the server does not know the reader's time zone).</summary>
    public static string Date(DateTimeOffset when) => when.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"3 Mar 2025, 14:05 UTC", for tooltips.</summary>
    public static string DateTime(DateTimeOffset when) => when.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"812 KiB", "12.5 MiB", "3.2 GiB".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.#} GiB",
    };

    /// <summary>Memory in MiB with one decimal, as the admin grain table shows it.</summary>
    public static string MiB(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>How often something repeats, in words: "daily", "weekly", "hourly", "every 6 hours", "every 2 days".</summary>
    public static string Every(TimeSpan interval) => interval switch
    {
        { Ticks: TimeSpan.TicksPerDay } => "daily",
        { Ticks: TimeSpan.TicksPerDay * 7 } => "weekly",
        { Ticks: TimeSpan.TicksPerHour } => "hourly",
        _ when interval.Ticks % TimeSpan.TicksPerDay == 0 => $"every {interval.Days} days",
        _ when interval.Ticks % TimeSpan.TicksPerHour == 0 => $"every {(int)interval.TotalHours} hours",
        _ when interval.Ticks % TimeSpan.TicksPerMinute == 0 => $"every {(int)interval.TotalMinutes} minutes",
        _ => $"every {Duration(interval)}",
    };

    /// <summary>"3 days 4 hours", "2 hours 5 minutes", "40 seconds".</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 60 => $"{(int)span.TotalSeconds} seconds",
        < 3600 => $"{span.Minutes} min {span.Seconds} s",
        < 86400 => $"{span.Hours} h {span.Minutes} min",
        _ => $"{(int)span.TotalDays} d {span.Hours} h",
    };
}
