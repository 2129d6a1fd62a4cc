using Outpost.Packaging;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// Restores a whole server from a snapshot into a new data directory, offline. Everything is checked before the
/// first byte is written (the key, the index, the free space); the files are written into a staging directory
/// next to the target, every chunk authenticated as it is read, and renamed to the target at the end. A failure,
/// Ctrl+C or kill -9 leaves no target (a killed run leaves a staging directory, removed by the next run). The
/// repository is only read.
/// </summary>
public sealed class ServerRestore(TextWriter progress)
{
    /// <summary>What a restore did.</summary>
    /// <param name="SnapshotId">The snapshot restored.</param>
    /// <param name="Grains">How many grains it holds.</param>
    /// <param name="Files">How many files were written.</param>
    /// <param name="Bytes">Their total size.</param>
    /// <param name="MasterKeyId">The master key the new data directory needs.</param>
    /// <param name="KeyFileWritten">Whether the master key file was written into the new data directory.</param>
    public sealed record Result(string SnapshotId, int Grains, int Files, long Bytes, string MasterKeyId, bool KeyFileWritten);

    /// <summary>
    /// Restores <paramref name="snapshot"/> ("latest" or an id) of the repository <paramref name="repositoryDir"/>
    /// into <paramref name="dataDir"/>, which must not exist or be empty. The master key comes from
    /// <paramref name="keyFile"/>, else from <paramref name="inputs"/> (the environment).
    /// </summary>
    public async Task<Result> RunAsync(string repositoryDir, string snapshot, string dataDir, string? keyFile, MasterKeyInputs inputs, CancellationToken ct)
    {
        // "/srv/outpost/" and "/srv/outpost" are one target: the staging directory goes next to it, not inside.
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
        CheckTarget(target);
        var (key, passphrase) = LoadKey(keyFile, inputs);
        using var repository = BackupRepository.OpenForRestore(repositoryDir, file => Unwrap(file, key, passphrase), out var masterKeyId);
        var id = snapshot == "latest"
            ? repository.SnapshotIds().LastOrDefault() ?? throw new BackupException($"{repository.Root} holds no snapshot yet")
            : snapshot;
        var index = repository.ReadIndex(id);
        if (index.MasterKeyId != masterKeyId)
        {
            throw new BackupException(
                $"snapshot {index.Id} was taken before a master key rotation: the grain keys in it are wrapped under master key {index.MasterKeyId}, not {masterKeyId}. " +
                "Restore it with that older key (the server needs it to start), or restore a later snapshot");
        }

        var total = SnapshotChecks.Check(index);
        await progress.WriteLineAsync($"Restoring snapshot {index.Id} ({index.CreatedAt:yyyy-MM-dd HH:mm} UTC, {index.Grains.Count} grains, {Shell.Format.Bytes(total)}) into {target}");

        if (StagedDirectory.RemoveLeftovers(target) > 0)
        {
            await progress.WriteLineAsync("Removed what an interrupted restore had left next to the target.");
        }

        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var free = new DriveInfo(parent).AvailableFreeSpace;
        if (total > free)
        {
            throw new BackupException($"snapshot {index.Id} needs {Shell.Format.Bytes(total)} but only {Shell.Format.Bytes(free)} are free on the disk of {parent}; nothing was written");
        }

        if (Directory.Exists(target))
        {
            // Empty (checked): the staging directory takes its place at the end.
            Directory.Delete(target);
        }

        using var staged = StagedDirectory.Create(target);
        var files = await WriteAsync(repository, index, staged.Path, total, ct);
        var keyFileWritten = false;
        if (keyFile is not null)
        {
            // The data directory had its key file beside it; the restored one gets it back, readable by its owner only.
            MasterKeyStore.WriteKeyFile(Path.Combine(staged.Path, "master.key"), key!);
            keyFileWritten = true;
        }

        await staged.CommitAsync(ct);
        return new Result(index.Id, index.Grains.Count, files, total, masterKeyId, keyFileWritten);
    }

    private async Task<int> WriteAsync(BackupRepository repository, SnapshotIndex index, string root, long total, CancellationToken ct)
    {
        var privileged = Environment.IsPrivilegedProcess;
        long done = 0;
        var reported = 0;
        var files = 0;
        foreach (var entry in index.Entries)
        {
            ct.ThrowIfCancellationRequested();
            var path = Path.Combine(root, entry.Path);
            switch (entry.Kind)
            {
                case SnapshotEntryKind.Directory:
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    break;
                case SnapshotEntryKind.File:
                    await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite, BufferSize = 0 }))
                    {
                        var left = entry.Size;
                        foreach (var chunk in entry.Chunks!)
                        {
                            var length = (int)Math.Min(left, BackupRepository.ChunkSize);
                            await file.WriteAsync(repository.ReadChunk(chunk, length), ct);
                            left -= length;
                            done += length;
                            if (total > 0 && done * 20 / total > reported)
                            {
                                reported = (int)(done * 20 / total);
                                await progress.WriteLineAsync($"  {reported * 5}% ({Shell.Format.Bytes(done)} of {Shell.Format.Bytes(total)})");
                            }
                        }
                    }

                    File.SetUnixFileMode(path, (UnixFileMode)entry.Mode);
                    File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddTicks(entry.MTime / 100));
                    files++;
                    break;
                case SnapshotEntryKind.Symlink:
                    File.CreateSymbolicLink(path, entry.Target!);
                    break;
            }

            if (privileged)
            {
                FileStat.SetOwner(path, entry.Uid, entry.Gid);
            }
        }

        // Directories last and deepest first: their modes may forbid writing, and writing inside changes their times.
        foreach (var entry in index.Entries.Where(e => e.Kind == SnapshotEntryKind.Directory).Reverse())
        {
            var path = Path.Combine(root, entry.Path);
            File.SetUnixFileMode(path, (UnixFileMode)entry.Mode);
            Directory.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddTicks(entry.MTime / 100));
        }

        return files;
    }

    private static void CheckTarget(string target)
    {
        if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            throw new BackupException($"{target} exists and is not a directory; give a new or empty directory for the restored server");
        }

        if (!Directory.Exists(target))
        {
            return;
        }

        if (File.Exists(Path.Combine(target, "server.lock")))
        {
            ServerLock.Acquire(new DataPaths(target), "Stop it; a restore needs a new, empty data directory.").Dispose();
        }

        if (Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new BackupException($"{target} is not empty: a restore writes a whole data directory and never mixes it with another. Give a new or empty directory");
        }
    }

    private static (MasterKey? Key, string? Passphrase) LoadKey(string? keyFile, MasterKeyInputs inputs)
    {
        if (keyFile is not null)
        {
            if (!File.Exists(keyFile))
            {
                throw new MasterKeyException($"{keyFile} does not exist.");
            }

            return (MasterKeyStore.ReadKeyFile(keyFile), null);
        }

        if (inputs.Key is { } encoded)
        {
            return (MasterKey.Decode(encoded, inputs.Names.Key), null);
        }

        return inputs.Passphrase is { } passphrase
            ? (null, passphrase)
            : throw new MasterKeyException(
                $"A restore needs the master key of the server that made the backups: give --master-key-file (its master.key), or set {inputs.Names.Key} or {inputs.Names.Passphrase}. " +
                "The backups do not hold it, on purpose (docs/backups.md).");
    }

    private static byte[]? Unwrap(RepositoryKeyFile file, MasterKey? key, string? passphrase)
    {
        if (passphrase is not null)
        {
            key = file.PassphraseSalt is { } salt ? MasterKey.FromPassphrase(passphrase, salt) : null;
        }

        return key is not null && key.Id == file.MasterKeyId ? key.Unwrap(file.WrappedKey, ServerBackups.RepositoryKeyContext) : null;
    }
}
