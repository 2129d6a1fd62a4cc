using System.Text.Json;

namespace Outpost.Packaging;

/// <summary>Writes a grain backup: header, then encrypted chunks of a tar holding backup.json and storage/.</summary>
public static class BackupWriter
{
    private static readonly int _manifestMode = 0x180;

    /// <summary>
    /// Writes a backup of <paramref name="storageDir"/> and <paramref name="manifest"/> to <paramref name="output"/>,
    /// encrypted with <paramref name="key"/>. The grain should be stopped: a file that changes size while it is read
    /// fails the backup. Sockets and fifos are left out (see <see cref="BackupSummary.Skipped"/>). On failure the
    /// output holds an incomplete backup that no reader accepts; the caller deletes it.
    /// </summary>
    public static async Task<BackupSummary> WriteAsync(
        Stream output, BackupManifest manifest, string storageDir, BackupKey key,
        IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(storageDir);
        ArgumentNullException.ThrowIfNull(key);
        BackupEntries.Check(manifest);

        var plan = StoragePlan.Of(storageDir, ct);
        var (_, headerBytes, keys) = key.NewArchive(BackupHeader.DefaultChunkSize);
        using (keys)
        {
            await output.WriteAsync(headerBytes, ct);
            var encrypted = new EncryptingStream(output, keys, BackupHeader.DefaultChunkSize);
            var tar = new TarEntryWriter(encrypted);
            var json = JsonSerializer.SerializeToUtf8Bytes(manifest, BackupJsonContext.Default.BackupManifest);
            await tar.WriteFileAsync(BackupEntries.Manifest, _manifestMode, new MemoryStream(json), json.Length, ct);
            var summary = await WriteStorageAsync(tar, plan, storageDir, progress, ct);
            await tar.FinishAsync(ct);
            await encrypted.FinishAsync(ct);
            return summary;
        }
    }

    private static async Task<BackupSummary> WriteStorageAsync(
        TarEntryWriter tar, StoragePlan plan, string storageDir, IProgress<BackupProgress>? progress, CancellationToken ct)
    {
        int files = 0, directories = 0, symlinks = 0;
        long done = 0;
        foreach (var (path, node) in plan.Items)
        {
            var name = BackupEntries.NameOf(path);
            switch (node.Kind)
            {
                case TreeNodeKind.Directory:
                    await tar.WriteDirectoryAsync(name, (int)node.Mode, ct);
                    directories++;
                    break;
                case TreeNodeKind.Symlink:
                    await tar.WriteSymlinkAsync(name, node.LinkTarget!, ct);
                    symlinks++;
                    break;
                default:
                    await WriteFileAsync(tar, name, node, storageDir + path, ct);
                    files++;
                    done += node.Size;
                    progress?.Report(new BackupProgress(done, plan.FileBytes));
                    break;
            }
        }

        return new BackupSummary { Files = files, Directories = directories, Symlinks = symlinks, FileBytes = done, Skipped = plan.Skipped };
    }

    private static async Task WriteFileAsync(TarEntryWriter tar, string name, TreeNode node, string hostPath, CancellationToken ct)
    {
        try
        {
            await using var source = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
            await tar.WriteFileAsync(name, (int)node.Mode, source, node.Size, ct);
        }
        catch (PackageException e)
        {
            throw new BackupException($"'{name}' shrank while it was being backed up; stop the grain and back it up again", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupException($"cannot read '{name}' from the grain's storage: {e.Message}", e);
        }
    }
}
