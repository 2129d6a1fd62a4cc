using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Outpost.Data.AccessLog;

namespace Outpost.Server.AccessLog;

/// <summary>
/// Which access log entries to show: by action, by who (name, account id or address), by time, and a page of them
/// (newest first, <see cref="Before"/> an entry id for the next page). Parsed from query strings, which strangers write.
/// </summary>
public sealed record AccessLogFilter
{
    /// <summary>Most entries one page may hold.</summary>
    public const int MaxPage = 1000;

    /// <summary>Most entries one export may hold.</summary>
    public const int MaxExport = 100_000;

    public string? GrainId { get; init; }

    public string? Action { get; init; }

    public string? Who { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public long? Before { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Reads a filter from a query string; returns an error message a person can act on, or null.</summary>
    public static string? TryParse(IQueryCollection query, int maxLimit, out AccessLogFilter filter)
    {
        filter = new AccessLogFilter();
        var action = Single(query, "action");
        if (action is not null && !AccessLogActions.All.Contains(action))
        {
            return $"Unknown action '{action}'. Use one of: {string.Join(", ", AccessLogActions.All.Order(StringComparer.Ordinal))}.";
        }

        var who = Single(query, "who");
        if (who is { Length: > 200 })
        {
            return "The 'who' filter is at most 200 characters.";
        }

        if (!TryTime(query, "since", out var since) || !TryTime(query, "until", out var until))
        {
            return "'since' and 'until' are dates or times such as 2026-11-23 or 2026-11-23T14:00:00Z.";
        }

        long? before = null;
        if (Single(query, "before") is { } beforeText)
        {
            if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                return "'before' is the id of an entry, a positive number.";
            }

            before = b;
        }

        var limit = Math.Min(100, maxLimit);
        if (Single(query, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit)
            {
                return $"'limit' is a number from 1 to {maxLimit}.";
            }
        }

        filter = new AccessLogFilter
        {
            GrainId = Single(query, "grain"),
            Action = action,
            Who = string.IsNullOrWhiteSpace(who) ? null : who.Trim(),
            Since = since,
            Until = until,
            Before = before,
            Limit = limit,
        };
        return null;
    }

    /// <summary>Applies the filter to the log, newest first.</summary>
    public IQueryable<AccessLogEntry> Apply(IQueryable<AccessLogEntry> log)
    {
        if (GrainId is not null)
        {
            log = log.Where(e => e.GrainId == GrainId);
        }

        if (Action is not null)
        {
            log = log.Where(e => e.Action == Action);
        }

        if (Who is not null)
        {
            // LIKE with its wildcards escaped: a name containing % or _ matches only itself.
            var pattern = "%" + Who.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            log = log.Where(e => EF.Functions.Like(e.ActorName, pattern, "\\") || e.ActorAccountId == Who || e.Address == Who);
        }

        if (Since is { } since)
        {
            log = log.Where(e => e.At >= since);
        }

        if (Until is { } until)
        {
            log = log.Where(e => e.At < until);
        }

        if (Before is { } before)
        {
            log = log.Where(e => e.Id < before);
        }

        return log.OrderByDescending(e => e.Id).Take(Limit);
    }

    /// <summary>The matching entries as the API and the pages show them, newest first.</summary>
    public IQueryable<AccessLogView> Views(Data.OutpostDbContext db) => Apply(db.AccessLog.AsNoTracking()).Select(e => AccessLogView.From(e));

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (Single(query, name) is not { } text)
        {
            return true;
        }

        // A bare date means midnight UTC; a time without an offset is read as UTC too, never as the server's zone.
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }
}
