using System.Diagnostics;
using System.Globalization;
using Outpost.Packaging;
using static Outpost.Bench.Samples;

namespace Outpost.Benchmarks;

/// <summary>
/// The backup format's own throughput on a grain of the given size: write a backup of its storage and restore it,
/// against GNU tar creating and extracting an uncompressed archive of the same directory in the same run. Files are
/// random (incompressible, like most grain data that matters) and in the page cache, so this measures the format's
/// CPU cost plus writing, not the disk's read speed.
/// </summary>
public static class BackupRun
{
    public static void Run(int mebibytes, int runs)
    {
        var work = Path.Combine(Path.GetTempPath(), "outpost-bench-backup");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var grain = Directory.CreateDirectory(Path.Combine(work, "grain")).FullName;
        var (files, bytes) = FillGrain(grain, mebibytes);
        Console.WriteLine($"grain: {files:N0} files, {bytes / (1024.0 * 1024):N0} MiB; {runs} runs; median of each");
        using var key = BackupKey.FromPassphrase("benchmark passphrase");
        var times = new Dictionary<string, List<double>>();
        for (var run = 0; run < runs; run++)
        {
            var tarFile = Path.Combine(work, "grain.tar");
            var backupFile = Path.Combine(work, "grain.outpost-backup");
            var tarOut = Path.Combine(work, "tar-out");
            var restoreOut = Path.Combine(work, "restored");
            Directory.CreateDirectory(tarOut);

            Time(times, "tar -cf (baseline)", () => Tar("-cf", tarFile, "-C", grain, "."));
            Time(times, "Outpost backup write", () =>
            {
                using var output = new FileStream(backupFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                BackupWriter.WriteAsync(output, Manifest(), grain, key).GetAwaiter().GetResult();
            });
            // Both restores end durable on disk: the reader syncs the filesystem before its rename, so tar gets a sync too.
            Time(times, "tar -xf + sync (baseline)", () =>
            {
                Tar("-xf", tarFile, "-C", tarOut);
                Run("sync", "-f", tarOut);
            });
            Time(times, "Outpost restore", () =>
            {
                using var input = new FileStream(backupFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                BackupReader.RestoreAsync(input, key, restoreOut, BackupLimits.Default).GetAwaiter().GetResult();
            });
            Console.WriteLine($"run {run + 1}: tar {new FileInfo(tarFile).Length:N0} bytes, backup {new FileInfo(backupFile).Length:N0} bytes");
            foreach (var path in new[] { tarFile, backupFile })
            {
                File.Delete(path);
            }

            Directory.Delete(tarOut, recursive: true);
            Directory.Delete(restoreOut, recursive: true);
        }

        Console.WriteLine("| step | median s | MiB/s | ratio to baseline |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, baseline) in new[] { ("tar -cf (baseline)", "tar -cf (baseline)"), ("Outpost backup write", "tar -cf (baseline)"), ("tar -xf + sync (baseline)", "tar -xf + sync (baseline)"), ("Outpost restore", "tar -xf + sync (baseline)") })
        {
            var median = Median(times[name]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {median:F2} | {bytes / (1024.0 * 1024) / median:N0} | {median / Median(times[baseline]):F2} |"));
        }

        Directory.Delete(work, recursive: true);
    }

    /// <summary>Seven eighths in 8 large files, the rest in 32 KiB files spread over 64 directories.</summary>
    private static (int Files, long Bytes) FillGrain(string grain, int mebibytes)
    {
        var random = new Random(1);
        var buffer = new byte[1 << 20];
        long total = (long)mebibytes << 20, large = total / 8 * 7 / 8, written = 0;
        var files = 0;
        for (var i = 0; i < 8; i++, files++)
        {
            using var file = File.Create(Path.Combine(grain, $"large-{i}.bin"));
            for (long left = large; left > 0; left -= buffer.Length)
            {
                random.NextBytes(buffer);
                file.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
            }

            written += large;
        }

        var small = new byte[32 * 1024];
        for (; written + small.Length <= total; written += small.Length, files++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(grain, "small", $"d{files % 64}")).FullName;
            random.NextBytes(small);
            File.WriteAllBytes(Path.Combine(directory, $"f{files}"), small);
        }

        return (files, written);
    }

    private static BackupManifest Manifest() => new()
    {
        GrainId = "benchmark",
        Title = "benchmark grain",
        AppId = "benchmark",
        AppVersion = 1,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    private static void Time(Dictionary<string, List<double>> times, string name, Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        (times.TryGetValue(name, out var list) ? list : times[name] = []).Add(stopwatch.Elapsed.TotalSeconds);
    }

    private static void Tar(params string[] arguments) => Run("tar", arguments);

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)) ?? throw new InvalidOperationException(program);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }

}
