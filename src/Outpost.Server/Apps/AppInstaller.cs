using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Apps;
using Outpost.Packaging;
using Outpost.Sandboxing;
using Outpost.Server.Hosting;

namespace Outpost.Server.Apps;

/// <summary>
/// Installs and removes packages. A package is fully verified and unpacked in a scratch directory first; only
/// then is the database touched and the tree renamed into place, so a bad package leaves nothing behind.
/// </summary>
internal sealed partial class AppInstaller(OutpostDbContext db, DataPaths paths, PackageLimits limits, TimeProvider time, ILogger<AppInstaller> logger)
{
    // One install at a time: two uploads of the same app must not race on "is this version higher?".
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>
    /// Installs the package in <paramref name="opkPath"/> beside the versions already installed; grains move to it on
    /// their next start. With <paramref name="expected"/> (a catalog entry), the package must be signed by that
    /// app's key and be that version. Throws <see cref="PackageException"/> or <see cref="AppConflictException"/>.
    /// </summary>
    public async Task<InstalledApp> InstallAsync(string opkPath, CancellationToken cancellationToken, (string AppId, int Version)? expected = null)
    {
        await InstallLock.WaitAsync(cancellationToken);
        var staging = paths.NewTempPath("install");
        try
        {
            var info = await PackageExtractor.ExtractAsync(opkPath, staging, limits, NativeSandbox.MountPoints, cancellationToken);
            var manifest = info.Manifest;
            if (expected is { } wanted && (info.AppId != wanted.AppId || manifest.Version != wanted.Version))
            {
                throw new PackageException(
                    $"the catalog lists this package as version {wanted.Version} of app {wanted.AppId}, but it is version {manifest.Version} signed by key {info.AppId}; it was not installed");
            }

            var existing = await db.Apps.FindAsync([info.AppId], cancellationToken);
            if (existing is not null && manifest.Version <= existing.Version)
            {
                // Same app id means same signing key (the id is the key), so only the version can be wrong here.
                throw new AppConflictException(
                    $"{existing.Title} version {existing.MarketingVersion} (#{existing.Version}) is installed; this package is version {manifest.MarketingVersion} (#{manifest.Version}). Only a higher version can replace it.");
            }

            var target = paths.AppVersionDir(info.AppId, manifest.Version);
            if (Directory.Exists(target))
            {
                // Left by an install that crashed after the rename but before the database commit.
                Directory.Delete(target, recursive: true);
            }

            DataDirectory.CreateTraversable(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

            var now = time.GetUtcNow();
            var app = existing ?? new InstalledApp
            {
                AppId = info.AppId,
                Title = manifest.Title,
                MarketingVersion = manifest.MarketingVersion,
                ManifestJson = "",
                PackageSha256 = info.Sha256,
                InstalledAt = now,
            };
            app.Title = manifest.Title;
            app.Version = manifest.Version;
            app.MarketingVersion = manifest.MarketingVersion;
            app.ManifestJson = System.Text.Encoding.UTF8.GetString(Manifest.Serialize(manifest));
            app.PackageSha256 = info.Sha256;
            app.PackageSize = info.Size;
            app.UpdatedAt = now;
            if (existing is null)
            {
                db.Apps.Add(app);
            }

            db.AppVersions.Add(new AppVersionRecord
            {
                AppId = info.AppId,
                Version = manifest.Version,
                MarketingVersion = manifest.MarketingVersion,
                ManifestJson = app.ManifestJson,
                PackageSha256 = info.Sha256,
                PackageSize = info.Size,
                InstalledAt = now,
            });

            await db.SaveChangesAsync(cancellationToken);
            LogInstalled(logger, app.Title, app.MarketingVersion, app.AppId);
            return app;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            InstallLock.Release();
        }
    }

    /// <summary>Removes an app that no grain uses any more.</summary>
    public async Task<bool> RemoveAsync(string appId, CancellationToken cancellationToken)
    {
        var app = await db.Apps.FindAsync([appId], cancellationToken);
        if (app is null)
        {
            return false;
        }

        var grains = await db.Grains.CountAsync(g => g.AppId == appId, cancellationToken);
        if (grains > 0)
        {
            throw new AppConflictException($"{app.Title} still has {grains} grain(s). Delete them first ('outpost grain list', 'outpost grain delete ID').");
        }

        db.Apps.Remove(app);
        db.AppVersions.RemoveRange(await db.AppVersions.Where(v => v.AppId == appId).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        var dir = Path.Combine(paths.Apps, appId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        LogRemoved(logger, app.Title, appId);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed {Title} {MarketingVersion} ({AppId})")]
    private static partial void LogInstalled(ILogger logger, string title, string marketingVersion, string appId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Title} ({AppId})")]
    private static partial void LogRemoved(ILogger logger, string title, string appId);
}

/// <summary>The request conflicts with what is installed (a lower version, an app still in use).</summary>
public sealed class AppConflictException(string message) : Exception(message);
