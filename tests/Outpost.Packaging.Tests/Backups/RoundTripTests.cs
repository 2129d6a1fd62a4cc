using System.Net.Sockets;

namespace Outpost.Packaging.Tests.Backups;

public sealed class RoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BackupKey _key = BackupKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task RestoreAsync_VariedTree_RestoresEveryEntryExactly()
    {
        var storage = _dir.Sub("storage");
        Directory.CreateDirectory(Path.Combine(storage, "empty"));
        Directory.CreateDirectory(Path.Combine(storage, "a/b/c/d"));
        File.WriteAllText(Path.Combine(storage, "a/b/c/d/deep.txt"), "deep");
        File.WriteAllText(Path.Combine(storage, "notes.json"), "{\"notes\":[]}");
        File.WriteAllBytes(Path.Combine(storage, "empty-file"), []);
        File.WriteAllText(Path.Combine(storage, "Ünïcødé 文件 🎉.txt"), "unicode");
        File.WriteAllText(Path.Combine(storage, new string('n', 200)), "long name");
        File.SetUnixFileMode(Path.Combine(storage, "notes.json"), (UnixFileMode)0x180);
        var script = Path.Combine(storage, "a/run.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        File.CreateSymbolicLink(Path.Combine(storage, "latest"), "a/b/c/d/deep.txt");
        File.CreateSymbolicLink(Path.Combine(storage, "a/b/up"), "../run.sh");
        Directory.CreateSymbolicLink(Path.Combine(storage, "dirlink"), "a/b");
        File.CreateSymbolicLink(Path.Combine(storage, "dangling"), "not-there-yet");

        var backup = await BackupFixture.WriteAsync(storage, _key);
        var target = _dir["restored/grain"];
        var manifest = await BackupReader.RestoreAsync(new MemoryStream(backup), _key, target, BackupLimits.Default);

        Assert.Equal(BackupFixture.Manifest(), manifest with { Shares = BackupFixture.Manifest().Shares, AccessLog = BackupFixture.Manifest().AccessLog });
        Assert.Equal(BackupFixture.Describe(storage), BackupFixture.Describe(target));
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_dir["restored"]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData(3 * 64 * 1024)]
    [InlineData((5 * 1024 * 1024) + 17)]
    public async Task RestoreAsync_FileOfSize_RoundTrips(int size)
    {
        // Sizes around the 64 KiB chunk size: the plaintext is a tar, so chunk edges fall inside headers and data alike.
        var storage = _dir.Sub("storage");
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(Path.Combine(storage, "data.bin"), content);

        var backup = await BackupFixture.WriteAsync(storage, _key);
        var target = _dir["grain"];
        await BackupReader.RestoreAsync(new MemoryStream(backup), _key, target, BackupLimits.Default);

        Assert.Equal(content, File.ReadAllBytes(Path.Combine(target, "data.bin")));
    }

    [Fact]
    public async Task RestoreAsync_EmptyStorage_RestoresEmptyDirectory()
    {
        var storage = _dir.Sub("storage");

        var backup = await BackupFixture.WriteAsync(storage, _key);
        var target = _dir["grain"];
        await BackupReader.RestoreAsync(new MemoryStream(backup), _key, target, BackupLimits.Default);

        Assert.True(Directory.Exists(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task RestoreAsync_Passphrase_RoundTrips()
    {
        var storage = _dir.Sub("storage");
        File.WriteAllText(Path.Combine(storage, "x"), "x");
        using var key = BackupFixture.Passphrase();

        var backup = await BackupFixture.WriteAsync(storage, key);
        using var again = BackupFixture.Passphrase();
        await BackupReader.RestoreAsync(new MemoryStream(backup), again, _dir["grain"], BackupLimits.Default);

        Assert.Equal("x", File.ReadAllText(_dir["grain/x"]));
    }

    [Fact]
    public async Task ReadManifestAsync_SharesAndLog_ComeBackWithoutRestoring()
    {
        var storage = _dir.Sub("storage");
        File.WriteAllBytes(Path.Combine(storage, "big"), new byte[300_000]);
        var manifest = BackupFixture.Manifest() with
        {
            Shares =
            [
                new BackupShare { Id = "s1", ToAccountId = "alice", RoleId = "editor", CreatedBy = "owner", CreatedAt = DateTimeOffset.UnixEpoch },
                new BackupShare
                {
                    Id = "s2", TokenHash = "abc", RoleId = "viewer", CreatedBy = "owner", Label = "for reviewers", SignInRequired = true,
                    ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(3), RevokedAt = DateTimeOffset.UnixEpoch.AddDays(1),
                },
            ],
            AccessLog =
            [
                new BackupLogEntry { At = DateTimeOffset.UnixEpoch, Action = "open", ActorName = "Alice", ActorAccountId = "alice", ShareId = "s1", Role = "editor", Address = "127.0.0.1" },
                new BackupLogEntry { At = DateTimeOffset.UnixEpoch.AddHours(1), Action = "share.revoke", ActorName = "Owner", Detail = "link “for reviewers”" },
            ],
        };
        var backup = await BackupFixture.WriteAsync(storage, _key, manifest);

        var read = await BackupReader.ReadManifestAsync(new MemoryStream(backup), _key);

        Assert.Equal(manifest.Shares, read.Shares);
        Assert.Equal(manifest.AccessLog, read.AccessLog);
        Assert.Equal("Notes 2.1.0 (app id notesappid, version 7 or newer)", read.DescribeApp());
        Assert.Equal(["storage"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_SocketInStorage_IsSkippedAndReported()
    {
        var storage = _dir.Sub("storage");
        File.WriteAllText(Path.Combine(storage, "kept"), "kept");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(storage, "app.sock")));

        var output = new MemoryStream();
        var summary = await BackupWriter.WriteAsync(output, BackupFixture.Manifest(), storage, _key);
        await BackupReader.RestoreAsync(new MemoryStream(output.ToArray()), _key, _dir["grain"], BackupLimits.Default);

        Assert.Equal(["/app.sock"], summary.Skipped);
        Assert.Equal((1, 1, 0, 4L), (summary.Files, summary.Directories, summary.Symlinks, summary.FileBytes));
        Assert.Equal(["kept"], Directory.EnumerateFileSystemEntries(_dir["grain"]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_Progress_ReachesTotal()
    {
        var storage = _dir.Sub("storage");
        File.WriteAllBytes(Path.Combine(storage, "a"), new byte[1000]);
        File.WriteAllBytes(Path.Combine(storage, "b"), new byte[500]);
        var reports = new List<BackupProgress>();

        await BackupWriter.WriteAsync(new MemoryStream(), BackupFixture.Manifest(), storage, _key, new SynchronousProgress(reports.Add));

        Assert.Equal([new BackupProgress(1000, 1500), new BackupProgress(1500, 1500)], reports);
    }

    [Theory]
    [InlineData("/etc/passwd", "is an absolute path")]
    [InlineData("../outside", "points outside the grain's storage")]
    [InlineData("sub/../../outside", "points outside the grain's storage")]
    public async Task WriteAsync_SymlinkLeavingStorage_IsRefusedByName(string target, string expected)
    {
        var storage = _dir.Sub("storage");
        Directory.CreateDirectory(Path.Combine(storage, "sub"));
        File.CreateSymbolicLink(Path.Combine(storage, "link"), target);

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupFixture.WriteAsync(storage, _key));

        Assert.Contains("cannot back up symlink '/link'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task WriteAsync_SymlinkChainLeavingStorage_IsRefused()
    {
        // Each link alone stays inside; followed together they climb out.
        var storage = _dir.Sub("storage");
        Directory.CreateDirectory(Path.Combine(storage, "a/b"));
        Directory.CreateSymbolicLink(Path.Combine(storage, "a/b/up"), "..");
        File.CreateSymbolicLink(Path.Combine(storage, "a/escape"), "b/up/../../x");

        var error = await Assert.ThrowsAsync<BackupException>(() => BackupFixture.WriteAsync(storage, _key));

        Assert.Contains("points outside the backup", error.Message);
    }

    [Fact]
    public async Task WriteAsync_InvalidManifest_IsRefusedBeforeWriting()
    {
        var storage = _dir.Sub("storage");
        var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<BackupException>(
            () => BackupWriter.WriteAsync(output, BackupFixture.Manifest() with { AppId = " " }, storage, _key));

        Assert.Equal("backup.json has no 'appId'", error.Message);
        Assert.Equal(0, output.Length);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order and complete.</summary>
    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
