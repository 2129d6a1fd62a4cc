using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Settings;
using Outpost.Server.Hosting;

namespace Outpost.Server.Settings;

/// <summary>
/// Server settings an admin changes from the browser. They are stored in the database and override the configured
/// values; the sign-up policy applies at once, the others when the server restarts (the page says so).
/// </summary>
internal sealed class SettingsStore(OutpostDbContext db, Microsoft.Extensions.Options.IOptions<OutpostOptions> options, TimeProvider time)
{
    /// <summary>The settings the admin page offers, with the configuration key each one overrides.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["BaseUrl"] = $"{OutpostOptions.Section}:BaseUrl",
        ["BaseDomain"] = $"{OutpostOptions.Section}:BaseDomain",
        ["IdleTimeout"] = $"{OutpostOptions.Section}:Grains:IdleTimeout",
        ["OpenSignup"] = $"{OutpostOptions.Section}:OpenSignup",
        ["AccessLogRetentionDays"] = $"{OutpostOptions.Section}:AccessLogRetentionDays",
    };

    /// <summary>Stored values as configuration overrides, read once at start-up.</summary>
    public static async Task<Dictionary<string, string?>> LoadOverridesAsync(OutpostDbContext db)
    {
        var stored = await db.Settings.AsNoTracking().ToListAsync();
        return stored.Where(s => Keys.ContainsKey(s.Key)).ToDictionary(s => Keys[s.Key], s => (string?)s.Value);
    }

    public async Task<Dictionary<string, string>> GetAllAsync(CancellationToken ct) =>
        await db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, ct);

    /// <summary>
    /// True when anyone may create an account without an invitation. A value stored from the admin page wins (it
    /// applies at once, without a restart); otherwise the configured default, which is off.
    /// </summary>
    public async Task<bool> IsOpenSignupAsync(CancellationToken ct) =>
        (await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == "OpenSignup", ct))?.Value is { } stored
            ? stored == "true"
            : options.Value.OpenSignup;

    /// <summary>How many days access log entries are kept; read at each clean-up, so a change applies without a restart.</summary>
    public async Task<int> GetAccessLogRetentionDaysAsync(CancellationToken ct) =>
        (await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == "AccessLogRetentionDays", ct))?.Value is { } stored
            && int.TryParse(stored, System.Globalization.CultureInfo.InvariantCulture, out var days)
            ? days
            : options.Value.AccessLogRetentionDays;

    /// <summary>Validates and stores a setting; returns an error message, or null on success.</summary>
    public async Task<string?> SetAsync(string key, string value, CancellationToken ct)
    {
        value = value.Trim();
        var error = key switch
        {
            "BaseUrl" => value.Length == 0 || (Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/")
                ? null : "The base URL must look like https://outpost.example.org (scheme and host, no path).",
            "BaseDomain" => System.Text.RegularExpressions.Regex.IsMatch(value, "^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
                ? null : "The base domain must be a lowercase host name such as localhost or apps.example.org.",
            "IdleTimeout" => TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var t) && t >= TimeSpan.FromSeconds(10) && t <= TimeSpan.FromDays(1)
                ? null : "The idle timeout must be between 00:00:10 and 1.00:00:00 (hh:mm:ss).",
            "OpenSignup" => value is "true" or "false" ? null : "Sign-up is either true or false.",
            "AccessLogRetentionDays" => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 3650
                ? null : "Access log retention is a number of days from 1 to 3650.",
            _ => $"There is no setting '{key}'.",
        };
        if (error is not null)
        {
            return error;
        }

        var setting = await db.Settings.FindAsync([key], ct);
        if (setting is null)
        {
            db.Settings.Add(new ServerSetting { Key = key, Value = value, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            setting.Value = value;
            setting.UpdatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        return null;
    }
}
