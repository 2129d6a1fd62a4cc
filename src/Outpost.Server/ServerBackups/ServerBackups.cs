using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Data;
using Outpost.Data.Encryption;
using Outpost.Server.Backups;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// Makes whole-server snapshots into the backup repository: the database (copied consistently while the server
/// runs), installed apps, settings, and every grain's storage as it is on disk (encrypted), each grain stopped and
/// held while it is copied. Then applies the retention rules and deletes chunks no snapshot uses. One run at a time.
/// </summary>
internal sealed partial class ServerBackups(
    IServiceScopeFactory scopes,
    DataPaths paths,
    KeyRing keys,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ServerBackups> logger)
{
    /// <summary>What the repository key's wrapping under the master key is bound to.</summary>
    public const string RepositoryKeyContext = "outpost backup repository key";

    /// <summary>The purpose label of the repository key, derived from the server secrets key (so it survives a master key rotation).</summary>
    private const string RepositoryKeyPurpose = "backup-repository";

    // Not part of a snapshot: the master key above all (the backups must not hold their own key), the lock, the live
    // database (copied with VACUUM INTO instead), scratch space, caches rebuilt on demand, and grains (done one by one).
    private static readonly HashSet<string> LeftOut = new(StringComparer.Ordinal)
    {
        "master.key", "master.key.new", "server.lock", "outpost.db", "outpost.db-wal", "outpost.db-shm", "outpost.db-journal", "run", "tmp", "cache", "grains",
    };

    private readonly Lock _sync = new();
    private readonly ConcurrentDictionary<string, SnapshotSummary> _summaries = new();
    private Task<SnapshotSummary>? _running;
    private SnapshotBuilder? _builder;
    private string? _phase;
    private ServerBackupStatus _last = new();

    /// <summary>The repository key.</summary>
    public byte[] RepositoryKey => keys.SecretsKey(RepositoryKeyPurpose);

    /// <summary>The running backup's progress, or the last run's outcome.</summary>
    public ServerBackupStatus Status
    {
        get
        {
            lock (_sync)
            {
                return _builder is { } b
                    ? _last with { Running = true, Phase = _phase, Files = b.Files, Bytes = b.TotalBytes, NewBytes = b.NewBytes }
                    : _last with { Running = _running is { IsCompleted: false } };
            }
        }
    }

    /// <summary>Starts a backup now, or returns the one already running.</summary>
    public Task<SnapshotSummary> StartAsync()
    {
        lock (_sync)
        {
            if (_running is { IsCompleted: false } running)
            {
                return running;
            }

            _last = _last with { LastStartedAt = time.GetUtcNow(), LastError = null };
            _running = Task.Run(() => RunAsync(lifetime.ApplicationStopping));
            return _running;
        }
    }

    /// <summary>Whether the schedule calls for a backup now: the last one failed, or the newest snapshot is older than the schedule.</summary>
    public async Task<bool> IsDueAsync(CancellationToken ct)
    {
        var settings = await SettingsAsync(ct);
        if (settings.Directory is null || settings.Schedule <= TimeSpan.Zero || _running is { IsCompleted: false })
        {
            return false;
        }

        if (_last.LastError is not null)
        {
            return true;
        }

        var newest = _last.LastSnapshotId is null ? NewestSnapshotTime(settings.Directory) : _last.LastStartedAt;
        return newest is null || time.GetUtcNow() - newest >= settings.Schedule;
    }

    /// <summary>The settings in force (the Backups page's, else the configuration).</summary>
    public async Task<ServerBackupOptions> SettingsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ServerBackupSettings>().CurrentAsync(ct);
    }

    /// <summary>The snapshots in <paramref name="directory"/>, oldest first (indexes are read once and remembered).</summary>
    public List<SnapshotSummary> List(string? directory)
    {
        if (directory is null)
        {
            return [];
        }

        using var repository = BackupRepository.OpenToList(directory, RepositoryKey);
        if (repository is null)
        {
            return [];
        }

        var list = new List<SnapshotSummary>();
        foreach (var id in repository.SnapshotIds())
        {
            try
            {
                list.Add(_summaries.GetOrAdd(id, i => SnapshotSummary.Of(repository.ReadIndex(i))));
            }
            catch (Exception e) when (e is FileNotFoundException or Packaging.BackupException && !repository.SnapshotIds().Contains(id))
            {
                // Removed by the retention rules while we listed.
            }
        }

        return list;
    }

    private async Task<SnapshotSummary> RunAsync(CancellationToken ct)
    {
        try
        {
            var summary = await BackUpAsync(ct);
            lock (_sync)
            {
                _last = _last with { LastFinishedAt = time.GetUtcNow(), LastSnapshotId = summary.Id, LastError = null, Files = summary.Files, Bytes = summary.TotalBytes, NewBytes = summary.NewBytes };
            }

            return summary;
        }
        catch (Exception e)
        {
            LogFailed(logger, e.Message, e);
            lock (_sync)
            {
                _last = _last with { LastFinishedAt = time.GetUtcNow(), LastError = e.Message };
            }

            throw;
        }
        finally
        {
            lock (_sync)
            {
                _builder = null;
                _phase = null;
            }
        }
    }

    private async Task<SnapshotSummary> BackUpAsync(CancellationToken ct)
    {
        var settings = await SettingsAsync(ct);
        var directory = settings.Directory
            ?? throw new Packaging.BackupException($"no backup directory is configured: set {ServerBackupOptions.Section}:Directory (OUTPOST__BACKUPS__DIRECTORY)");
        var started = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var holds = scope.ServiceProvider.GetRequiredService<GrainHolds>();
        var salt = (await db.MasterKeys.AsNoTracking().FirstAsync(k => k.Status == MasterKeyStatus.Current, ct)).PassphraseSalt;
        var repositoryKey = RepositoryKey;
        using var repository = BackupRepository.OpenForBackup(directory, repositoryKey, keys.MasterKeyId, salt, k => keys.WrapUnderMasterKey(k, RepositoryKeyContext));

        var (indexes, unreadable) = ReadAll(repository);
        if (unreadable.Count is 0)
        {
            Phase("checking what an interrupted backup left");
            repository.RemoveDamagedOrphans(indexes.SelectMany(i => i.Entries).SelectMany(e => e.Chunks ?? []).ToHashSet(StringComparer.Ordinal));
        }

        var previous = indexes.LastOrDefault()?.Entries.Where(e => e.Kind == SnapshotEntryKind.File).ToDictionary(e => e.Path, StringComparer.Ordinal)
            ?? new Dictionary<string, SnapshotEntry>(StringComparer.Ordinal);
        var builder = new SnapshotBuilder(repository, previous, started, ct);
        lock (_sync)
        {
            _builder = builder;
        }

        var grains = await CopyDatabaseAsync(builder, ct);
        Phase("apps and settings");
        var repositoryPath = Path.GetFullPath(directory) + "/";
        foreach (var child in Directory.EnumerateFileSystemEntries(paths.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var source = Path.Combine(paths.Root, child!);
            if (!LeftOut.Contains(child!) && !repositoryPath.StartsWith(source + "/", StringComparison.Ordinal))
            {
                builder.Add(source, child!);
            }
        }

        var included = new List<SnapshotGrain>();
        if (Directory.Exists(paths.Grains))
        {
            builder.AddTree(paths.Grains, "grains", recordOnly: p => p == "grains");
            var number = 0;
            foreach (var grain in grains)
            {
                Phase($"grain {++number} of {grains.Count}: {grain.Title}");
                var record = await db.Grains.AsNoTracking().FirstOrDefaultAsync(g => g.Id == grain.Id, ct);
                if (record is null || !Directory.Exists(paths.GrainDir(grain.Id)))
                {
                    builder.Skipped.Add($"grain {grain.Id} ({grain.Title}): deleted while the backup ran");
                    continue;
                }

                try
                {
                    await holds.HoldAsync(record, ct);
                }
                catch (Exception e) when (e is Packaging.BackupException or Cluster.Grains.GrainStartException or Cluster.Grains.GrainNotFoundException or Sandboxing.Storage.EncryptedVolumeException)
                {
                    // One grain whose storage cannot be held (it keeps being started, its volume does not mount) must
                    // not cost every other grain its backup: the snapshot says it is missing, and so does the log.
                    builder.Skipped.Add($"grain {grain.Id} ({grain.Title}): not backed up: {e.Message}");
                    LogGrainSkipped(logger, grain.Id, e.Message);
                    continue;
                }

                try
                {
                    // The plaintext view is mounted while held: only the encrypted storage and log are copied.
                    var view = $"grains/{grain.Id}/var";
                    builder.AddTree(paths.GrainDir(grain.Id), $"grains/{grain.Id}", recordOnly: p => p == view || p == view + ".plaintext");
                }
                finally
                {
                    await holds.ReleaseAsync(grain.Id);
                }

                included.Add(grain);
            }
        }

        Phase("writing the snapshot index");
        var index = new SnapshotIndex
        {
            FormatVersion = SnapshotIndex.CurrentFormat,
            Id = BackupRepository.NewSnapshotId(started),
            CreatedAt = started,
            ServerVersion = typeof(ServerBackups).Assembly.GetName().Version?.ToString() ?? "unknown",
            MasterKeyId = keys.MasterKeyId,
            Grains = included,
            Entries = builder.Entries,
            TotalBytes = builder.TotalBytes,
            NewBytes = builder.NewBytes,
            Skipped = builder.Skipped,
        };
        repository.WriteIndex(index);
        var summary = SnapshotSummary.Of(index);
        _summaries[index.Id] = summary;

        Phase("applying the retention rules");
        indexes.Add(index);
        var keep = Retention.Keep(indexes.Select(i => (i.Id, i.CreatedAt)), settings.KeepDaily, settings.KeepWeekly, settings.KeepLast);
        var removed = 0;
        foreach (var old in indexes.Where(i => !keep.Contains(i.Id)))
        {
            repository.DeleteSnapshot(old.Id);
            _summaries.TryRemove(old.Id, out _);
            removed++;
        }

        var pruned = (Chunks: 0, Bytes: 0L);
        if (unreadable.Count is 0)
        {
            pruned = repository.Prune(indexes.Where(i => keep.Contains(i.Id)).SelectMany(i => i.Entries).SelectMany(e => e.Chunks ?? []).ToHashSet(StringComparer.Ordinal));
        }
        else
        {
            LogNotPruned(logger, string.Join(", ", unreadable));
        }

        LogDone(logger, index.Id, included.Count, builder.Files, builder.TotalBytes, builder.NewBytes, watch.Elapsed.TotalSeconds, keep.Count, removed, pruned.Chunks);
        return summary;
    }

    /// <summary>Copies the live database with VACUUM INTO (a consistent copy while the server writes) into the snapshot; returns its grains.</summary>
    private async Task<List<SnapshotGrain>> CopyDatabaseAsync(SnapshotBuilder builder, CancellationToken ct)
    {
        Phase("copying the database");
        var scratch = paths.NewTempPath("server-backup");
        Directory.CreateDirectory(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var copy = Path.Combine(scratch, "outpost.db");
            await using (var connection = new SqliteConnection(Database.ConnectionString(paths)))
            {
                await connection.OpenAsync(ct);
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", copy);
                await vacuum.ExecuteNonQueryAsync(ct);
            }

            List<SnapshotGrain> grains;
            var connectionString = new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString();
            await using (var copyDb = new OutpostDbContext((DbContextOptions<OutpostDbContext>)OutpostDbContext.UseOutpostSqlite(new DbContextOptionsBuilder<OutpostDbContext>(), connectionString).Options))
            {
                grains = (await copyDb.Grains.AsNoTracking().Select(g => new { g.Id, g.Title }).ToListAsync(ct)).OrderBy(g => g.Id, StringComparer.Ordinal).Select(g => new SnapshotGrain(g.Id, g.Title)).ToList();
            }

            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            builder.Add(copy, "outpost.db");
            return grains;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private (List<SnapshotIndex> Indexes, List<string> Unreadable) ReadAll(BackupRepository repository)
    {
        var indexes = new List<SnapshotIndex>();
        var unreadable = new List<string>();
        foreach (var id in repository.SnapshotIds())
        {
            try
            {
                indexes.Add(repository.ReadIndex(id));
            }
            catch (Packaging.BackupException e)
            {
                unreadable.Add($"{id} ({e.Message})");
            }
        }

        return (indexes.OrderBy(i => i.CreatedAt).ToList(), unreadable);
    }

    private static DateTimeOffset? NewestSnapshotTime(string directory)
    {
        var snapshots = Path.Combine(directory, "snapshots");
        var newest = Directory.Exists(snapshots)
            ? Directory.EnumerateFiles(snapshots).Select(Path.GetFileName).Where(n => BackupRepository.IsSnapshotId(n!)).Max(StringComparer.Ordinal)
            : null;
        return newest is null ? null : DateTimeOffset.ParseExact(newest[..16], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
    }

    private void Phase(string phase)
    {
        lock (_sync)
        {
            _phase = phase;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Server backup {SnapshotId}: {Grains} grains, {Files} files, {Bytes} bytes, {NewBytes} new bytes stored in {Seconds:0.0} s; {Kept} snapshots kept, {Removed} removed, {Pruned} unused chunks deleted")]
    private static partial void LogDone(ILogger logger, string snapshotId, int grains, int files, long bytes, long newBytes, double seconds, int kept, int removed, int pruned);

    [LoggerMessage(Level = LogLevel.Error, Message = "Server backup failed: {Reason}. It is tried again at the next round")]
    private static partial void LogFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Server backup: grain {GrainId} was left out of this snapshot: {Reason}")]
    private static partial void LogGrainSkipped(ILogger logger, string grainId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Server backups: unused chunks were not deleted because these snapshots cannot be read: {Snapshots}")]
    private static partial void LogNotPruned(ILogger logger, string snapshots);
}

/// <summary>
/// Runs a server backup when the schedule calls for one. Checked every 5 minutes (or every configured
/// <c>Schedule</c> if shorter), so a schedule changed on the Backups page applies without a restart.
/// </summary>
internal sealed class ServerBackupSchedule(ServerBackups backups, IOptions<ServerBackupOptions> options, TimeProvider time, ILogger<ServerBackupSchedule> logger)
    : PeriodicService(CheckInterval(options.Value.Schedule), time, logger)
{
    private static readonly TimeSpan MaxCheckInterval = TimeSpan.FromMinutes(5);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (!await backups.IsDueAsync(ct))
        {
            return 0;
        }

        try
        {
            await backups.StartAsync().WaitAsync(ct);
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Already logged and shown in the status by the run itself; the next round tries again.
            return 0;
        }
    }

    private static TimeSpan CheckInterval(TimeSpan schedule) =>
        schedule <= TimeSpan.Zero ? MaxCheckInterval : TimeSpan.FromTicks(Math.Clamp(schedule.Ticks, TimeSpan.TicksPerSecond, MaxCheckInterval.Ticks));
}
