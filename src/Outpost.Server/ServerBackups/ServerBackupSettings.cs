using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Data;
using Outpost.Data.Settings;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// The server backup settings in force: what an admin saved on the Backups page (stored in the database, applied at
/// the next check without a restart), else the configuration (<c>Outpost:Backups</c>).
/// </summary>
internal sealed class ServerBackupSettings(OutpostDbContext db, IOptionsMonitor<ServerBackupOptions> configured, TimeProvider time)
{
    private const string Prefix = "Backups:";
    private static readonly string[] Names = ["Directory", "Schedule", "KeepDaily", "KeepWeekly", "KeepLast"];

    /// <summary>The settings in force now.</summary>
    public async Task<ServerBackupOptions> CurrentAsync(CancellationToken ct)
    {
        var keys = Names.Select(n => Prefix + n).ToList();
        var stored = await db.Settings.AsNoTracking().Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key[Prefix.Length..], s => s.Value, ct);
        var options = configured.CurrentValue;
        return new ServerBackupOptions
        {
            Directory = stored.TryGetValue("Directory", out var directory) ? (directory.Length is 0 ? null : directory) : options.Directory,
            Schedule = stored.TryGetValue("Schedule", out var schedule) ? TimeSpan.Parse(schedule, CultureInfo.InvariantCulture) : options.Schedule,
            KeepDaily = stored.TryGetValue("KeepDaily", out var daily) ? int.Parse(daily, CultureInfo.InvariantCulture) : options.KeepDaily,
            KeepWeekly = stored.TryGetValue("KeepWeekly", out var weekly) ? int.Parse(weekly, CultureInfo.InvariantCulture) : options.KeepWeekly,
            KeepLast = stored.TryGetValue("KeepLast", out var last) ? int.Parse(last, CultureInfo.InvariantCulture) : options.KeepLast,
        };
    }

    /// <summary>Checks and stores the settings; returns what is wrong (nothing is stored then), or an empty list.</summary>
    public async Task<List<string>> SaveAsync(string? directory, string? schedule, string? keepDaily, string? keepWeekly, string? keepLast, CancellationToken ct)
    {
        var errors = new List<string>();
        directory = directory?.Trim() ?? "";
        if (directory.Length > 0 && (!Path.IsPathFullyQualified(directory) || directory.Any(char.IsControl)))
        {
            errors.Add("The backup directory must be an absolute path, such as /mnt/backup/outpost (or empty to turn server backups off).");
        }

        if (!TimeSpan.TryParse(schedule?.Trim(), CultureInfo.InvariantCulture, out var every) || every < TimeSpan.Zero || every > TimeSpan.FromDays(31))
        {
            errors.Add("The schedule must be a time span between 00:00:00 (only when asked) and 31.00:00:00, such as 1.00:00:00 for daily.");
        }

        var counts = new[] { ("KeepDaily", keepDaily, "days"), ("KeepWeekly", keepWeekly, "weeks"), ("KeepLast", keepLast, "newest snapshots") };
        foreach (var (_, value, what) in counts)
        {
            if (!int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1000)
            {
                errors.Add($"The number of {what} to keep must be a whole number from 0 to 1000.");
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        Store("Directory", directory);
        Store("Schedule", every.ToString("c", CultureInfo.InvariantCulture));
        foreach (var (name, value, _) in counts)
        {
            Store(name, int.Parse(value!.Trim(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }

        await db.SaveChangesAsync(ct);
        return errors;
    }

    private void Store(string name, string value)
    {
        var key = Prefix + name;
        var row = db.Settings.Local.FirstOrDefault(s => s.Key == key) ?? db.Settings.Find(key);
        if (row is null)
        {
            db.Settings.Add(new ServerSetting { Key = key, Value = value, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            row.Value = value;
            row.UpdatedAt = time.GetUtcNow();
        }
    }
}
