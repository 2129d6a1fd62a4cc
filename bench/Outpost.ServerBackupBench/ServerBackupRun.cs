using System.Diagnostics;
using System.Globalization;
using Outpost.Sandboxing.Storage;
using Outpost.Server.ServerBackups;

namespace Outpost.ServerBackupBench;

/// <summary>
/// The server backup's snapshot engine on a real gocryptfs grain volume of the given size: a first (full) backup
/// into an empty repository, then 1 % of the grain rewritten through its mounted view (random 1 MiB blocks), then
/// the incremental backup. Baselines in the same run: <c>cp -a</c> of the encrypted directory (a full copy) and
/// <c>rsync -a</c> of it onto the copy of the previous state (an incremental copy), each followed by sync, as the
/// backup flushes its repository before writing an index.
/// </summary>
public static class ServerBackupRun
{
    private const string Password = "benchmark-password-not-secret";

    public static async Task RunAsync(int mebibytes)
    {
        var work = Path.Combine(Path.GetTempPath(), "outpost-bench-server-backup");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var cipher = Path.Combine(work, "data", "grains", "g", "encrypted");
        var view = Path.Combine(work, "view");
        Directory.CreateDirectory(cipher);
        Directory.CreateDirectory(view);
        var volumes = new EncryptedVolumes(new EncryptedVolumeOptions());
        await volumes.InitAsync(cipher, Password);
        int files;
        long bytes;
        await using (var mounted = await volumes.MountAsync(cipher, view, Password, ownerUid: null))
        {
            (files, bytes) = FillGrain(view, mebibytes);
        }

        Console.WriteLine($"grain: {files:N0} files, {bytes >> 20:N0} MiB through gocryptfs; machine: {Environment.ProcessorCount} cores");
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var repositoryDir = Directory.CreateDirectory(Path.Combine(work, "repo")).FullName;
        var results = new List<(string Step, double Seconds, string Note)>();

        var (full, fullIndex) = Time(() => Backup(repositoryDir, key, cipher, previous: null));
        results.Add(("Outpost server backup, first (full)", full, $"{fullIndex.NewBytes >> 20:N0} MiB stored"));
        var copy = Path.Combine(work, "copy");
        var (cp, _) = Time(() => Run("cp", "-a", cipher, copy));
        results.Add(("cp -a of the encrypted dir + sync (baseline)", cp, ""));

        await using (var mounted = await volumes.MountAsync(cipher, view, Password, ownerUid: null))
        {
            ChangeOnePercent(view, bytes);
        }

        var (incremental, incrementalIndex) = Time(() => Backup(repositoryDir, key, cipher, fullIndex));
        results.Add(("Outpost server backup after 1 % changed", incremental, $"{incrementalIndex.NewBytes >> 20:N0} MiB stored"));
        var (rsync, _) = Time(() => Run("rsync", "-a", cipher + "/", copy + "/"));
        results.Add(("rsync -a onto the previous copy + sync (baseline)", rsync, ""));

        Console.WriteLine("| step | seconds | note |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (step, seconds, note) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {seconds:F2} | {note} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratios: full backup / cp -a = {full / cp:F2}; incremental / rsync -a = {incremental / rsync:F2}; incremental / full = {incremental / full:F2}"));
        Directory.Delete(work, recursive: true);
    }

    private static SnapshotIndex Backup(string repositoryDir, byte[] key, string cipher, SnapshotIndex? previous)
    {
        using var repository = BackupRepository.OpenForBackup(repositoryDir, key, "0000000000000000", null, k => k);
        var started = DateTimeOffset.UtcNow;
        var before = previous?.Entries.Where(e => e.Kind == SnapshotEntryKind.File).ToDictionary(e => e.Path) ?? [];
        var builder = new SnapshotBuilder(repository, before, started, CancellationToken.None);
        builder.AddTree(cipher, "grains/g/encrypted");
        var index = new SnapshotIndex
        {
            FormatVersion = SnapshotIndex.CurrentFormat, Id = BackupRepository.NewSnapshotId(started), CreatedAt = started, ServerVersion = "bench",
            MasterKeyId = "0000000000000000", Grains = [new SnapshotGrain("g", "benchmark")], Entries = builder.Entries, TotalBytes = builder.TotalBytes, NewBytes = builder.NewBytes,
        };
        repository.WriteIndex(index);
        return index;
    }

    /// <summary>Rewrites 1 % of the grain's bytes as random 1 MiB blocks at random 4 KiB-aligned places in its files.</summary>
    private static void ChangeOnePercent(string view, long bytes)
    {
        var random = new Random(2);
        var candidates = Directory.EnumerateFiles(view, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length >= 1 << 20).ToList();
        var block = new byte[1 << 20];
        for (var i = 0; i < Math.Max(1, bytes / 100 / block.Length); i++)
        {
            var path = candidates[random.Next(candidates.Count)];
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            random.NextBytes(block);
            file.Position = random.NextInt64((file.Length - block.Length) / 4096) * 4096;
            file.Write(block);
        }
    }

    /// <summary>The grain's data: random (incompressible) 4 MiB files, like photos and documents.</summary>
    private static (int Files, long Bytes) FillGrain(string view, int mebibytes)
    {
        var random = new Random(1);
        var buffer = new byte[4 << 20];
        var files = mebibytes / 4;
        for (var i = 0; i < files; i++)
        {
            random.NextBytes(buffer);
            File.WriteAllBytes(Path.Combine(view, $"file-{i:D4}.bin"), buffer);
        }

        return (files, (long)files * buffer.Length);
    }

    private static (double Seconds, T Result) Time<T>(Func<T> step)
    {
        Run("sync");
        var watch = Stopwatch.StartNew();
        var result = step();
        Run("sync");
        return (watch.Elapsed.TotalSeconds, result);
    }

    private static int Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed with exit code {process.ExitCode}");
        }

        return 0;
    }
}
