using System.Diagnostics;
using System.Globalization;
using System.Text;
using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.Storage;

/// <summary>
/// Grain storage encrypted at rest with gocryptfs: file contents and names are encrypted (AES-256-GCM, EME names)
/// in a cipher directory, and a plaintext view is mounted (FUSE) only while the grain runs.
/// </summary>
/// <remarks>
/// The password is handed over on gocryptfs' standard input, never on its command line (visible to every user in
/// /proc) nor in a file. gocryptfs runs in the foreground as our child so that its failures reach us, and its exit
/// tells us the view is really gone.
/// </remarks>
public sealed class EncryptedVolumes(EncryptedVolumeOptions options)
{
    private static readonly TimeSpan MountTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Where the kernel's FUSE control filesystem lists connections.</summary>
    private const string FuseConnections = "/sys/fs/fuse/connections";

    /// <summary>Where the kernel lists backing devices (a FUSE mount has one), with their read-ahead.</summary>
    private const string BackingDevices = "/sys/class/bdi";

    /// <summary>How long a freshly mounted view has to answer its first stat.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<string> _gocryptfs = new(() => ResolveTool(options.GocryptfsPath), LazyThreadSafetyMode.PublicationOnly);

    /// <summary>Whether <paramref name="cipherDir"/> already holds an initialised volume.</summary>
    public static bool IsInitialized(string cipherDir) => File.Exists(Path.Combine(cipherDir, "gocryptfs.conf"));

    /// <summary>Creates an empty encrypted volume in <paramref name="cipherDir"/> (created, mode 0700).</summary>
    public async Task InitAsync(string cipherDir, string password, CancellationToken ct = default)
    {
        Directory.CreateDirectory(cipherDir);
        File.SetUnixFileMode(cipherDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The password is a random 256-bit key, not something a person chose: scrypt's hardening buys nothing,
        // so it runs at its minimum cost and grains start faster.
        using var process = Start(["-init", "-q", "-scryptn", options.ScryptCost.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", cipherDir], password);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new EncryptedVolumeException($"gocryptfs could not create the encrypted storage in {cipherDir} (exit code {process.ExitCode}): {(await errors).Trim()}");
        }
    }

    /// <summary>
    /// Mounts the plaintext view of <paramref name="cipherDir"/> at <paramref name="mountPoint"/> (which must be empty).
    /// With <paramref name="ownerUid"/>, the volume belongs to that user (the grain's sandbox), who may use the mount.
    /// <paramref name="importFrom"/> names a plaintext directory whose contents move into the volume (storage from
    /// before encryption); it is deleted once copied.
    /// </summary>
    public Task<MountedVolume> MountAsync(string cipherDir, string mountPoint, string password, int? ownerUid, string? importFrom = null, CancellationToken ct = default) =>
        MountAsync(cipherDir, mountPoint, password, ownerUid, importFrom, lastTry: false, ct);

    private async Task<MountedVolume> MountAsync(string cipherDir, string mountPoint, string password, int? ownerUid, string? importFrom, bool lastTry, CancellationToken ct)
    {
        if (!IsInitialized(cipherDir))
        {
            throw new EncryptedVolumeException($"{cipherDir} holds no encrypted storage (gocryptfs.conf is missing).");
        }

        PrepareMountPoint(mountPoint, ownerUid);
        if (ownerUid is int owner)
        {
            // Running as root with other users allowed in, gocryptfs acts on the cipher directory as the calling
            // user: the grain's uid must own its cipher files. The config (0400, root) stays readable only by us.
            Chown(cipherDir, owner);
        }


        var args = new List<string> { "-fg", "-q", "-nosyslog" };
        if (Environment.IsPrivilegedProcess)
        {
            // FUSE lets only the mounting user in unless told otherwise; the grain's sandbox runs as another uid.
            args.Add("-allow_other");
        }

        args.AddRange(options.ExtraMountOptions);
        args.AddRange(["--", cipherDir, mountPoint]);
        var process = Start(args, password);
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is not null && errors.Length < 4096)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var started = Stopwatch.GetTimestamp();
        while (!MountInfo.IsMountPoint(mountPoint))
        {
            if (process.HasExited || Stopwatch.GetElapsedTime(started) > MountTimeout || ct.IsCancellationRequested)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                await process.WaitForExitAsync(CancellationToken.None);
                string reason;
                lock (errors)
                {
                    reason = errors.ToString().Trim();
                }

                process.Dispose();
                throw new EncryptedVolumeException($"gocryptfs could not mount the encrypted storage {cipherDir} at {mountPoint}: {(reason.Length > 0 ? reason : "no mount within " + MountTimeout.TotalSeconds + " s")}");
            }

            await Task.Delay(10, CancellationToken.None);
        }

        // go-fuse, which gocryptfs is built on, can (rarely, under load) deadlock just after mounting: its epoll
        // workaround polls a file in its own mount before its request loop serves it, and every access to the view
        // then hangs. Ask the view once; if it does not answer, cut the connection and mount again.
        if (!await AnswersAsync(mountPoint))
        {
            await AbandonAsync(mountPoint, process);
            return lastTry
                ? throw new EncryptedVolumeException($"gocryptfs mounted {cipherDir} at {mountPoint} but does not answer; it was stopped. Try again.")
                : await MountAsync(cipherDir, mountPoint, password, ownerUid, importFrom, lastTry: true, ct);
        }

        var volume = new MountedVolume(mountPoint, process, RaiseReadAhead(mountPoint));
        if (importFrom is not null)
        {
            try
            {
                PlaintextImport.MoveInto(importFrom, mountPoint);
                if (ownerUid is int importedOwner)
                {
                    SandboxDirectories.ChownTree(mountPoint, importedOwner);
                }
            }
            catch
            {
                await volume.DisposeAsync();
                throw;
            }
        }

        return volume;
    }

    /// <summary>
    /// Whether the view answers a stat within <see cref="AnswerTimeout"/>. Asked from a child process, because a
    /// thread waiting on an unanswered FUSE request cannot be timed out, only killed.
    /// </summary>
    private static async Task<bool> AnswersAsync(string mountPoint) =>
        await QuietCommand.RunAsync("stat", ["-c", "%i", "--", mountPoint + "/"], AnswerTimeout) is not null;

    /// <summary>Whether mounts get <see cref="EncryptedVolumeOptions.ReadAheadKiB"/>: only root may set a mount's read-ahead.</summary>
    public bool RaisesReadAhead => options.ReadAheadKiB is not null && Environment.IsPrivilegedProcess;

    /// <summary>
    /// Raises the kernel's read-ahead for a view; returns the value set, or null when it stays at the kernel's.
    /// </summary>
    /// <remarks>
    /// A FUSE mount starts with 128 KiB of read-ahead, a single request (the gocryptfs in Debian 12 negotiates no
    /// larger ones), so a sequential reader waits for each 128 KiB to be read and decrypted before the next is asked
    /// for. With 1 MiB the kernel keeps several requests in flight and gocryptfs decrypts them on both cores: cold
    /// sequential reads ran 1.1 to 2 times as fast, 1.5 at the median (docs/benchmarks.md); 4 MiB was slower again.
    /// A failure costs only speed, so it does not stop the mount.
    /// </remarks>
    private int? RaiseReadAhead(string mountPoint)
    {
        if (!RaisesReadAhead || options.ReadAheadKiB is not int kib || MountInfo.BackingDeviceOf(mountPoint) is not { } device)
        {
            return null;
        }

        try
        {
            File.WriteAllText($"{BackingDevices}/{device}/read_ahead_kb", kib.ToString(CultureInfo.InvariantCulture));
            return kib;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Aborts a view's FUSE connection, which fails every request waiting on it (killing gocryptfs alone does not
    /// release them), stops its gocryptfs and detaches the mount.
    /// </summary>
    private static async Task AbandonAsync(string mountPoint, Process gocryptfs)
    {
        if (MountInfo.FuseConnectionOf(mountPoint) is { } connection)
        {
            var abort = $"{FuseConnections}/{connection}/abort";
            if (!File.Exists(abort) && Environment.IsPrivilegedProcess)
            {
                // The control filesystem is not always mounted; as root it can be.
                await QuietCommand.RunAsync("mount", ["-t", "fusectl", "none", FuseConnections]);
            }

            if (File.Exists(abort))
            {
                await File.WriteAllTextAsync(abort, "1");
            }
        }

        if (!gocryptfs.HasExited)
        {
            gocryptfs.Kill();
        }

        await gocryptfs.WaitForExitAsync(CancellationToken.None);
        gocryptfs.Dispose();
        await MountedVolume.UnmountAsync(mountPoint, lazy: true);
    }

    /// <summary>
    /// Gives a tree inside a mounted view to <paramref name="uid"/> without following links: files root created
    /// through the view (a restore) belong to root, and the grain's sandbox, which runs as its own uid, must own them.
    /// </summary>
    public static void GiveTree(string directory, int uid) => SandboxDirectories.ChownTree(directory, uid);

    /// <summary>
    /// Unmounts whatever plaintext views are mounted under <paramref name="root"/>: left by a server that crashed,
    /// they would otherwise expose grain data and keep the next start of those grains from mounting.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnmountStaleAsync(string root)
    {
        var stale = MountInfo.GocryptfsMountsUnder(root);
        foreach (var mountPoint in stale)
        {
            await MountedVolume.UnmountAsync(mountPoint, lazy: true);
        }

        return stale;
    }

    /// <summary>
    /// The directory under the mount is the grain's too (mode 0700): should the view ever be unmounted while the
    /// sandbox runs, what the app then writes is no other grain's business.
    /// </summary>
    private static void PrepareMountPoint(string mountPoint, int? ownerUid)
    {
        Directory.CreateDirectory(mountPoint);
        if (Directory.EnumerateFileSystemEntries(mountPoint).Any())
        {
            throw new EncryptedVolumeException($"{mountPoint} is not empty: the encrypted storage is mounted only on an empty directory, so that nothing is hidden under it.");
        }

        if (ownerUid is int uid)
        {
            Chown(mountPoint, uid);
        }

        File.SetUnixFileMode(mountPoint, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void Chown(string path, int uid)
    {
        if (Libc.LChown(path, uid, uid) != 0)
        {
            throw new EncryptedVolumeException($"cannot give {path} to uid {uid} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }
    }

    private Process Start(IEnumerable<string> args, string password)
    {
        var info = new ProcessStartInfo(_gocryptfs.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new EncryptedVolumeException("gocryptfs did not start.");
        // gocryptfs reads the password from standard input when it is not a terminal.
        process.StandardInput.Write(password + "\n");
        process.StandardInput.Close();
        return process;
    }

    private static string ResolveTool(string command)
    {
        try
        {
            return ExecutableResolver.Resolve(command);
        }
        catch (FileNotFoundException)
        {
            throw new EncryptedVolumeException($"{command} is not installed: grain storage is encrypted with gocryptfs. Install it with 'apt-get install gocryptfs fuse3' (scripts/install-deps does).");
        }
    }
}

/// <summary>Where gocryptfs is and how volumes are made. Defaults suit a server.</summary>
public sealed record EncryptedVolumeOptions
{
    /// <summary>The gocryptfs executable (a name on PATH or a path). Default <c>gocryptfs</c>.</summary>
    public string GocryptfsPath { get; init; } = "gocryptfs";

    /// <summary>scrypt cost (log2 N) protecting each volume's config; the password is already a random key. Default 10, gocryptfs' minimum.</summary>
    public int ScryptCost { get; init; } = 10;

    /// <summary>
    /// Read-ahead (KiB) given to each mounted view when running as root; null leaves the kernel's 128 KiB.
    /// Default 1024, the fastest value measured for cold sequential reads (docs/benchmarks.md).
    /// </summary>
    public int? ReadAheadKiB { get; init; } = 1024;

    /// <summary>Further gocryptfs mount options (benchmarks try some); none by default.</summary>
    public IReadOnlyList<string> ExtraMountOptions { get; init; } = [];
}

/// <summary>Encrypted storage could not be created, mounted or unmounted; the message says why and what to do.</summary>
public sealed class EncryptedVolumeException(string message) : Exception(message);
