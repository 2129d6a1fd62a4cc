using System.Security.Cryptography;
using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.FunctionalTests.Lifecycle;
using Outpost.Sandboxing.Storage;

namespace Outpost.Sandboxing.FunctionalTests.Storage;

/// <summary>A real app in a real sandbox on gocryptfs storage: it reads and writes normally, and nothing it wrote is readable on disk.</summary>
public sealed class EncryptedStorageTests
{
    private static readonly EncryptedVolumes Volumes = new(new EncryptedVolumeOptions());

    [Fact]
    public async Task NodeApp_OnEncryptedStorage_LeavesNoPlaintextOnDisk_AndItsDataSurvivesARemount()
    {
        await using var env = new SandboxTestEnvironment();
        var cipherDir = Path.Combine(env.Directory, "encrypted");
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var logKey = RandomNumberGenerator.GetBytes(32);
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await Volumes.InitAsync(cipherDir, password);

        await using (await Volumes.MountAsync(cipherDir, env.StorageDir, password, env.HostUid))
        {
            var sandbox = await NodeAppTests.StartNodeAsync(env, logKey);
            Assert.Equal("ok", await SandboxTestEnvironment.GetAsync(sandbox, "/say?text=" + marker));
            await sandbox.StopAsync();
            await sandbox.DisposeAsync();
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(env.StorageDir));
        Assert.Empty(FilesContaining(env.Directory, marker));
        Assert.Contains("said: " + marker, BoundedLog.ReadAll(env.LogFile, logKey), StringComparison.Ordinal);
        await using (await Volumes.MountAsync(cipherDir, env.StorageDir, password, env.HostUid))
        {
            Assert.Equal(marker, await File.ReadAllTextAsync(Path.Combine(env.StorageDir, "said.txt")));
        }
    }

    [Fact]
    public async Task Mount_WithTheWrongPassword_FailsSayingWhy_AndMountsNothing()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("right password");

        var error = await Assert.ThrowsAsync<EncryptedVolumeException>(() => Volumes.MountAsync(cipherDir, mountPoint, "wrong password", ownerUid: null));

        Assert.Contains("could not mount", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(MountInfo.GocryptfsMountsUnder(dir));
        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task Mount_OnANonEmptyDirectory_IsRefused()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("password");
        Directory.CreateDirectory(mountPoint);
        await File.WriteAllTextAsync(Path.Combine(mountPoint, "plaintext.txt"), "would be hidden");

        var error = await Assert.ThrowsAsync<EncryptedVolumeException>(() => Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null));

        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task Mount_WithoutAVolume_IsRefused()
    {
        var dir = TestDirectories.NewTestDirectory();

        var error = await Assert.ThrowsAsync<EncryptedVolumeException>(() => Volumes.MountAsync(dir, Path.Combine(dir, "view"), "password", ownerUid: null));

        Assert.Contains("gocryptfs.conf is missing", error.Message, StringComparison.Ordinal);
        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task UnmountStale_ViewLeftByACrashedServer_IsUnmounted()
    {
        var dir = TestDirectories.NewTestDirectory();
        var cipherDir = Path.Combine(dir, "grains", "g", "encrypted");
        var mountPoint = Path.Combine(dir, "grains", "g", "var");
        await Volumes.InitAsync(cipherDir, "password");
        var leftOver = await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null);
        await File.WriteAllTextAsync(Path.Combine(mountPoint, "file.txt"), "kept");

        var unmounted = await EncryptedVolumes.UnmountStaleAsync(Path.Combine(dir, "grains"));

        Assert.Equal([mountPoint], unmounted);
        Assert.False(MountInfo.IsMountPoint(mountPoint));
        await leftOver.DisposeAsync();
        await using (await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null))
        {
            Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(mountPoint, "file.txt")));
        }

        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task Mount_ImportsPlaintextStorage_AndDeletesIt()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("password");
        var legacy = Path.Combine(dir, "plaintext");
        Directory.CreateDirectory(Path.Combine(legacy, "sub"));
        await File.WriteAllTextAsync(Path.Combine(legacy, "sub", "old.txt"), "from before encryption");
        File.CreateSymbolicLink(Path.Combine(legacy, "link"), "/etc/passwd");

        await using (var volume = await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null, importFrom: legacy))
        {
            Assert.Equal("from before encryption", await File.ReadAllTextAsync(Path.Combine(volume.MountPoint, "sub", "old.txt")));
            Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(volume.MountPoint, "link")).LinkTarget);
        }

        Assert.False(Directory.Exists(legacy));
        Assert.Empty(FilesContaining(dir, "from before encryption"));
    }

    [Fact]
    public async Task Mount_ImportInterruptedEarlier_IsFinished()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("password");
        var legacy = Path.Combine(dir, "plaintext");
        Directory.CreateDirectory(legacy);
        await File.WriteAllTextAsync(Path.Combine(legacy, "a.txt"), "first");
        File.CreateSymbolicLink(Path.Combine(legacy, "link"), "a.txt");
        await using (var partial = await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null))
        {
            // What a crash after copying part of the tree leaves in the volume.
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "a.txt"), "fir");
            File.CreateSymbolicLink(Path.Combine(mountPoint, "link"), "a.txt");
        }

        await using (var volume = await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null, importFrom: legacy))
        {
            Assert.Equal("first", await File.ReadAllTextAsync(Path.Combine(volume.MountPoint, "a.txt")));
        }

        Assert.False(Directory.Exists(legacy));
        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task Mount_RaisesTheViewsReadAheadAsRoot_AndALargeFileReadsBackIntactThroughIt()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("password");
        var data = RandomNumberGenerator.GetBytes(24 * 1024 * 1024);
        await using (var volume = await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null))
        {
            if (Environment.IsPrivilegedProcess)
            {
                Assert.Equal(1024, volume.ReadAheadKiB);
                Assert.Equal("1024", ReadAheadOf(mountPoint));
            }
            else
            {
                Assert.Null(volume.ReadAheadKiB);
            }

            await File.WriteAllBytesAsync(Path.Combine(mountPoint, "big.bin"), data);
        }

        // A fresh mount caches nothing of the file: every byte comes through read-ahead and decryption.
        await using (await Volumes.MountAsync(cipherDir, mountPoint, "password", ownerUid: null))
        {
            await using var file = new FileStream(Path.Combine(mountPoint, "big.bin"), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
            Assert.Equal(SHA256.HashData(data), await SHA256.HashDataAsync(file));
        }

        TestDirectories.TryDelete(dir);
    }

    [Fact]
    public async Task Mount_WithoutAReadAheadSetting_KeepsTheKernelsDefault()
    {
        var (dir, cipherDir, mountPoint) = await NewVolumeAsync("password");
        var untuned = new EncryptedVolumes(new EncryptedVolumeOptions { ReadAheadKiB = null });

        await using (var volume = await untuned.MountAsync(cipherDir, mountPoint, "password", ownerUid: null))
        {
            Assert.False(untuned.RaisesReadAhead);
            Assert.Null(volume.ReadAheadKiB);
            Assert.NotEqual("1024", ReadAheadOf(mountPoint));
        }

        TestDirectories.TryDelete(dir);
    }

    private static string ReadAheadOf(string mountPoint) =>
        File.ReadAllText($"/sys/class/bdi/{MountInfo.BackingDeviceOf(mountPoint)}/read_ahead_kb").Trim();

    /// <summary>A fresh test directory holding an initialised volume (<c>encrypted</c>) and where to mount it (<c>view</c>).</summary>
    private static async Task<(string Dir, string CipherDir, string MountPoint)> NewVolumeAsync(string password)
    {
        var dir = TestDirectories.NewTestDirectory();
        var cipherDir = Path.Combine(dir, "encrypted");
        await Volumes.InitAsync(cipherDir, password);
        return (dir, cipherDir, Path.Combine(dir, "view"));
    }

    private static List<string> FilesContaining(string root, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).LinkTarget is null && new FileInfo(f).Length > 0 && File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .ToList();
    }
}
