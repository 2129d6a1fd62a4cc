using System.Diagnostics;

namespace Outpost.Sandboxing.Storage;

/// <summary>A mounted plaintext view of an encrypted volume. Disposing it unmounts it.</summary>
public sealed class MountedVolume : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _gocryptfs;
    private int _unmounted;

    internal MountedVolume(string mountPoint, Process gocryptfs, int? readAheadKiB)
    {
        MountPoint = mountPoint;
        _gocryptfs = gocryptfs;
        ReadAheadKiB = readAheadKiB;
    }

    /// <summary>Where the plaintext view is.</summary>
    public string MountPoint { get; }

    /// <summary>The read-ahead (KiB) Outpost gave the view, or null when it kept the kernel's default.</summary>
    public int? ReadAheadKiB { get; }

    /// <summary>Whether the gocryptfs process still serves the view (false after a crash of gocryptfs or an unmount).</summary>
    public bool IsAlive => !_gocryptfs.HasExited;

    /// <summary>Unmounts the view and waits for gocryptfs to exit. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _unmounted, 1) == 1)
        {
            return;
        }

        try
        {
            // Callers unmount only once nothing uses the view (the sandbox has exited); a lazy unmount after a
            // refused one still detaches it, so the plaintext is never left reachable.
            if (!await UnmountAsync(MountPoint, lazy: false))
            {
                await UnmountAsync(MountPoint, lazy: true);
            }

            using var waiting = new CancellationTokenSource(ExitTimeout);
            try
            {
                await _gocryptfs.WaitForExitAsync(waiting.Token);
            }
            catch (OperationCanceledException)
            {
                _gocryptfs.Kill();
                await _gocryptfs.WaitForExitAsync(CancellationToken.None);
            }
        }
        finally
        {
            _gocryptfs.Dispose();
        }
    }

    /// <summary>Unmounts a FUSE mount point; false when it is busy or not mounted.</summary>
    internal static async Task<bool> UnmountAsync(string mountPoint, bool lazy)
    {
        if (!MountInfo.IsMountPoint(mountPoint))
        {
            return true;
        }

        try
        {
            return await QuietCommand.RunAsync("fusermount3", [lazy ? "-uz" : "-u", "--", mountPoint]) == 0 || !MountInfo.IsMountPoint(mountPoint);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EncryptedVolumeException($"cannot unmount {mountPoint}: fusermount3 is missing ({e.Message}). Install fuse3.");
        }
    }
}
