using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Sandboxing.Storage;
using Outpost.Server.Encryption;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Backups;

/// <summary>
/// Restores a backup as a new grain of the caller. The app is checked from the backup's manifest before anything is
/// written. The storage is restored into a fresh encrypted volume (into a staging directory inside its plaintext
/// view, moved into place once the whole backup checked out), and only then is the grain's row committed, with its
/// shares and access log. A failure removes the volume; a crash leaves a directory marked <see cref="MarkerName"/>,
/// which <see cref="InterruptedRestores"/> removes at the next start.
/// </summary>
internal sealed partial class GrainRestores(
    OutpostDbContext db,
    DataPaths paths,
    KeyRing keys,
    EncryptedVolumes volumes,
    GrainManager grains,
    Catalogs.CatalogService catalogs,
    IOptions<SandboxSettings> settings,
    TimeProvider time,
    ILogger<GrainRestores> logger)
{
    /// <summary>File in <c>grains/&lt;id&gt;/</c> while its restore is under way; removed once the grain's row is committed.</summary>
    public const string MarkerName = "restoring";

    /// <summary>Most access log lines a restore copies in (the newest); older ones are counted as left out.</summary>
    public const int MaxLogEntries = 100_000;

    /// <summary>Restores <paramref name="backupFile"/> (encrypted, as uploaded) with <paramref name="key"/> for <paramref name="ownerId"/>.</summary>
    public async Task<RestoreResult> RestoreAsync(string backupFile, BackupKey key, string ownerId, CancellationToken ct)
    {
        BackupManifest manifest;
        await using (var input = File.OpenRead(backupFile))
        {
            manifest = await BackupReader.ReadManifestAsync(input, key, ct: ct);
        }

        var (appTitle, version, actionId, roles, appInstalled) = await AppForAsync(manifest, ct);
        var grainId = SecretToken.New();
        var keyHolder = new GrainRecord { Id = grainId, AppId = manifest.AppId, ActionId = actionId, Title = "", OwnerId = ownerId };
        var grainKey = keys.AssignGrainKey(keyHolder);
        var dir = paths.GrainDir(grainId);
        DataDirectory.CreateTraversable(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, MarkerName), "a restore of this grain is under way or was interrupted\n", ct);
        MountedVolume? volume = null;
        try
        {
            var password = GrainKeys.StoragePassword(grainKey);
            await volumes.InitAsync(paths.GrainEncryptedStorage(grainId), password, ct);
            var plannedNumber = await NextNumberAsync(ct);
            volume = await volumes.MountAsync(paths.GrainEncryptedStorage(grainId), paths.GrainStorage(grainId), password, HostUid(plannedNumber), ct: ct);
            await RestoreStorageAsync(backupFile, key, volume.MountPoint, ct);
            if (HostUid(plannedNumber) is int plannedUid)
            {
                EncryptedVolumes.GiveTree(volume.MountPoint, plannedUid);
            }

            var result = await CommitAsync(manifest, keyHolder, version, plannedNumber, volume.MountPoint, ownerId, roles, appTitle, ct);
            await volume.DisposeAsync();
            volume = null;
            File.Delete(Path.Combine(dir, MarkerName));
            LogRestored(logger, grainId, manifest.GrainId, result.SharesRestored, result.Skipped.Count);
            return result with { AppInstalled = appInstalled };
        }
        catch
        {
            if (volume is not null)
            {
                await volume.DisposeAsync();
            }

            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    private async Task<(string Title, int Version, string ActionId, IReadOnlySet<string> Roles, string? Installed)> AppForAsync(BackupManifest manifest, CancellationToken ct)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == manifest.AppId, ct);
        string? installed = null;
        if (app is null || app.Version < manifest.AppVersion)
        {
            installed = await InstallFromCatalogAsync(manifest, app, ct);
            app = await db.Apps.AsNoTracking().FirstAsync(a => a.AppId == manifest.AppId, ct);
        }

        // The backup's own version when it is still installed: a newer one is then moved to at the first start, with
        // the snapshot and rollback every update gets.
        var exact = manifest.AppVersion <= int.MaxValue
            && await db.AppVersions.AnyAsync(v => v.AppId == app.AppId && v.Version == (int)manifest.AppVersion, ct);
        var version = exact ? (int)manifest.AppVersion : app.Version;
        var json = exact
            ? (await db.AppVersions.AsNoTracking().FirstAsync(v => v.AppId == app.AppId && v.Version == version, ct)).ManifestJson
            : app.ManifestJson;
        var appManifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        return (app.Title, version, appManifest.Actions[0].Id, appManifest.Roles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal), installed);
    }

    /// <summary>
    /// The backup's app is missing or too old here: installs it from a subscribed catalog that offers the backup's
    /// version or a newer one (the administrator chose to trust those catalogs; the package is verified as every
    /// catalog install is). Returns the sentence that tells the user; throws <see cref="BackupNeedsAppException"/>
    /// when no catalog has it.
    /// </summary>
    private async Task<string> InstallFromCatalogAsync(BackupManifest manifest, Data.Apps.InstalledApp? present, CancellationToken ct)
    {
        (Data.Apps.InstalledApp App, string CatalogTitle)? fromCatalog;
        try
        {
            fromCatalog = await catalogs.TryInstallAtLeastAsync(manifest.AppId, manifest.AppVersion, ct);
        }
        catch (Exception e) when (e is Catalogs.CatalogException or PackageException or Apps.AppConflictException)
        {
            throw new BackupNeedsAppException(manifest, present?.Title, present?.Version, $"A subscribed catalog offers it, but installing it failed: {e.Message}");
        }

        if (fromCatalog is not var (app, catalogTitle))
        {
            throw new BackupNeedsAppException(manifest, present?.Title, present?.Version);
        }

        LogInstalledFromCatalog(logger, app.Title, app.Version, catalogTitle, manifest.GrainId);
        return $"{app.Title} {app.MarketingVersion} (version {app.Version}) was installed from the catalog “{catalogTitle}” to restore this backup.";
    }

    /// <summary>
    /// Restores into a staging directory inside the mounted view (so nothing is ever plaintext outside it), then
    /// moves its entries up into the view's root. The staging name is random: no entry of the backup can be named so.
    /// </summary>
    private static async Task RestoreStorageAsync(string backupFile, BackupKey key, string view, CancellationToken ct)
    {
        var staging = Path.Combine(view, $".outpost-restore-{SecretToken.New()}");
        await using (var input = File.OpenRead(backupFile))
        {
            await BackupReader.RestoreAsync(input, key, staging, BackupLimits.Default, progress: null, ct);
        }

        foreach (var entry in new DirectoryInfo(staging).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(view, entry.Name);
            if (entry is DirectoryInfo { LinkTarget: null })
            {
                Directory.Move(entry.FullName, destination);
            }
            else
            {
                File.Move(entry.FullName, destination);
            }
        }

        Directory.Delete(staging);
    }

    private async Task<RestoreResult> CommitAsync(
        BackupManifest manifest, GrainRecord keyHolder, int version, int plannedNumber, string view, string ownerId,
        IReadOnlySet<string> roles, string appTitle, CancellationToken ct)
    {
        // SQLite serialises writers, so "max + 1" inside one transaction cannot hand the same number out twice.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var number = await NextNumberAsync(ct);
        if (number != plannedNumber && HostUid(number) is int uid)
        {
            // Another grain was created meanwhile and took the number (and with it the uid) planned for this one.
            EncryptedVolumes.GiveTree(view, uid);
        }

        var grain = new GrainRecord
        {
            Id = keyHolder.Id,
            Number = number,
            AppId = manifest.AppId,
            ActionId = keyHolder.ActionId,
            Title = Shorten(manifest.Title.Trim(), 200) is { Length: > 0 } title ? title : "Restored grain",
            OwnerId = ownerId,
            CreatedAt = time.GetUtcNow(),
            AppVersion = version,
            StorageKey = keyHolder.StorageKey,
            StorageKeyId = keyHolder.StorageKeyId,
        };
        db.Grains.Add(grain);

        var accounts = await db.Accounts.Select(a => a.Id).ToListAsync(ct);
        var hashes = manifest.Shares.Select(s => s.TokenHash).OfType<string>().ToList();
        var hashesHere = await db.Shares.Where(s => s.TokenHash != null && hashes.Contains(s.TokenHash)).Select(s => s.TokenHash!).ToListAsync(ct);
        var shares = ShareMapping.Map(manifest, grain.Id, ownerId, accounts.ToHashSet(StringComparer.Ordinal), hashesHere.ToHashSet(StringComparer.Ordinal), roles);
        db.Shares.AddRange(shares.Records);

        var skipped = shares.Skipped.ToList();
        var entries = manifest.AccessLog.TakeLast(MaxLogEntries).ToList();
        if (manifest.AccessLog.Count > entries.Count)
        {
            skipped.Add($"{manifest.AccessLog.Count - entries.Count} oldest access log lines (a restore copies at most {MaxLogEntries})");
        }

        db.AccessLog.AddRange(entries.Select(e => LogEntry(e, grain, shares)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new RestoreResult
        {
            Grain = grains.ToSummary(grain, appTitle),
            BackupGrainId = manifest.GrainId,
            SharesRestored = shares.Records.Count,
            LogEntriesRestored = entries.Count,
            Skipped = skipped,
        };
    }

    // History as it was, under the new grain; a share id points at the restored share where there is one.
    private static AccessLogEntry LogEntry(BackupLogEntry e, GrainRecord grain, ShareMapping shares) => new()
    {
        At = e.At,
        GrainId = grain.Id,
        GrainTitle = Shorten(e.GrainTitle ?? grain.Title, 200),
        GrainOwnerId = grain.OwnerId,
        Action = Shorten(e.Action, 40),
        ActorAccountId = e.ActorAccountId is null ? null : Shorten(e.ActorAccountId, 64),
        ActorName = Shorten(e.ActorName, 200),
        ShareId = shares.NewIdOf(e.ShareId) ?? (e.ShareId is null ? null : Shorten(e.ShareId, 32)),
        Role = e.Role is null ? null : Shorten(e.Role, 200),
        Address = e.Address is null ? null : Shorten(e.Address, 64),
        Detail = e.Detail is null ? null : Shorten(e.Detail, 500),
    };

    private async Task<int> NextNumberAsync(CancellationToken ct) => (await db.Grains.MaxAsync(g => (int?)g.Number, ct) ?? 0) + 1;

    private int? HostUid(int number) => Environment.IsPrivilegedProcess ? settings.Value.UidBase + number : null;

    private static string Shorten(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed {AppTitle} version {Version} from catalog {Catalog} to restore a backup of grain {BackupGrainId}")]
    private static partial void LogInstalledFromCatalog(ILogger logger, string appTitle, int version, string catalog, string backupGrainId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain {GrainId} restored from a backup of grain {BackupGrainId}: {Shares} shares restored, {Skipped} items left out")]
    private static partial void LogRestored(ILogger logger, string grainId, string backupGrainId, int shares, int skipped);
}

/// <summary>
/// The app a backup needs is not installed, or only an older version of it, and no subscribed catalog offers it (or
/// installing it from one failed: <paramref name="catalogFailure"/>); the message names it.
/// </summary>
public sealed class BackupNeedsAppException(BackupManifest manifest, string? installedTitle, int? installedVersion, string? catalogFailure = null)
    : Exception((installedVersion is null
        ? $"This backup needs {manifest.DescribeApp()}, which is not installed here."
        : $"This backup needs {manifest.DescribeApp()}; this server has {installedTitle} version {installedVersion}.")
        + " " + (catalogFailure ?? "No catalog this server follows offers it: install the app (or subscribe to its catalog), then try again."))
{
    /// <summary>The backup's manifest: which app and version it needs.</summary>
    public BackupManifest Manifest { get; } = manifest;
}
