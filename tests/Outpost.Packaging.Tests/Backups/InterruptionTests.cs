using System.Diagnostics;

namespace Outpost.Packaging.Tests.Backups;

/// <summary>Restores that stop half-way leave no target and no partial directory; a killed one leaves only a hidden leftover.</summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BackupKey _key = BackupKey.Generate();
    private readonly string _restores;
    private readonly byte[] _backup;

    public InterruptionTests()
    {
        var storage = _dir.Sub("storage");
        for (var i = 0; i < 20; i++)
        {
            File.WriteAllBytes(Path.Combine(storage, $"file{i}"), new byte[50_000]);
        }

        _backup = BackupFixture.WriteAsync(storage, _key).GetAwaiter().GetResult();
        _restores = _dir.Sub("restores");
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(BackupHeader.Size + 10)]
    [InlineData(300_000)]
    [InlineData(900_000)]
    public async Task RestoreAsync_SourceFailsMidway_LeavesNothing(int failAfter)
    {
        var source = new FailingStream(_backup, failAfter, () => throw new IOException("the disk was unplugged"));

        var error = await Assert.ThrowsAsync<IOException>(
            () => BackupReader.RestoreAsync(source, _key, Path.Combine(_restores, "grain"), BackupLimits.Default));

        Assert.Equal("the disk was unplugged", error.Message);
        Assert.True(source.Failed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restores));
    }

    [Fact]
    public async Task RestoreAsync_CancelledMidway_LeavesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        var source = new FailingStream(_backup, 500_000, cancellation.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => BackupReader.RestoreAsync(source, _key, Path.Combine(_restores, "grain"), BackupLimits.Default, ct: cancellation.Token));

        Assert.True(source.Failed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restores));
    }

    [Fact]
    public async Task RestoreAsync_TargetExists_IsRefusedAndUntouched()
    {
        var target = Directory.CreateDirectory(Path.Combine(_restores, "grain")).FullName;
        File.WriteAllText(Path.Combine(target, "mine"), "mine");

        var error = await Assert.ThrowsAsync<BackupException>(
            () => BackupReader.RestoreAsync(new MemoryStream(_backup), _key, target, BackupLimits.Default));

        Assert.Equal($"'{target}' already exists; restore into a new directory", error.Message);
        Assert.Equal(["mine"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_restores));
    }

    [Fact]
    public async Task RestoreAsync_DanglingSymlinkAtTarget_IsRefused()
    {
        var target = Path.Combine(_restores, "grain");
        File.CreateSymbolicLink(target, "/nonexistent");

        await Assert.ThrowsAsync<BackupException>(() => BackupReader.RestoreAsync(new MemoryStream(_backup), _key, target, BackupLimits.Default));

        Assert.Equal("/nonexistent", new FileInfo(target).LinkTarget);
    }

    [Fact]
    public async Task RestoreAsync_Success_LeavesOnlyTheTarget()
    {
        var target = Path.Combine(_restores, "grain");

        await BackupReader.RestoreAsync(new MemoryStream(_backup), _key, target, BackupLimits.Default);

        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_restores));
        Assert.Equal(20, Directory.EnumerateFiles(target).Count());
    }

    [Fact]
    public async Task RemoveInterruptedRestores_AfterKilledRestore_RemovesOnlyItsLeftovers()
    {
        // What kill -9 leaves: a partial directory that was never renamed (no finally block ran).
        var target = Path.Combine(_restores, "grain");
        var killed = StagedDirectory.Create(target);
        File.WriteAllText(Path.Combine(killed.Path, "half-written"), "half");
        var unrelated = Directory.CreateDirectory(Path.Combine(_restores, "grain.partial-notes")).FullName;
        var otherGrain = StagedDirectory.Create(Path.Combine(_restores, "grain2"));

        Assert.False(Directory.Exists(target));
        var removed = BackupReader.RemoveInterruptedRestores(target);
        await BackupReader.RestoreAsync(new MemoryStream(_backup), _key, target, BackupLimits.Default);

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(killed.Path));
        Assert.Equal(
            new[] { target, unrelated, otherGrain.Path }.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(_restores).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RestoreAsync_ProcessKilledMidway_LeavesNoTargetAndLeftoversAreRemoved()
    {
        // A real restore in another process, fed through a fifo that stops after 60% of the backup, then SIGKILL:
        // no finally block runs, so only the rename-at-the-end design keeps the target from appearing half-written.
        var fifo = _dir["backup.fifo"];
        var keyFile = _dir["backup.key"];
        var target = Path.Combine(_restores, "grain");
        File.WriteAllText(keyFile, _key.ToText());
        RunToEnd("mkfifo", fifo);
        using var child = Process.Start(new ProcessStartInfo(DotnetHost(), ["exec", typeof(Program).Assembly.Location, "restore", fifo, target, keyFile])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            // Opening a fifo blocks until the reader opens it; bounded, in case the child failed to start.
            var opening = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0));
            await using (var feed = await opening.WaitAsync(TimeSpan.FromSeconds(60)))
            {
                await feed.WriteAsync(_backup.AsMemory(0, _backup.Length * 6 / 10)).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
                string[] partial = [];
                for (var attempt = 0; attempt < 300 && partial.Length == 0; attempt++)
                {
                    await Task.Delay(50);
                    partial = [.. Directory.EnumerateDirectories(_restores).Where(d => Directory.EnumerateFiles(d).Count() >= 5)];
                }

                Assert.True(partial.Length == 1, $"no partial directory with files appeared; the child said: {(child.HasExited ? await child.StandardError.ReadToEndAsync() : "nothing yet")}");
                child.Kill();
                await child.WaitForExitAsync();
            }
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }

        Assert.Equal(137, child.ExitCode);
        Assert.False(StagedDirectory.Exists(target));
        var leftover = Assert.Single(Directory.EnumerateFileSystemEntries(_restores));
        Assert.StartsWith(target + ".partial-", leftover);

        Assert.Equal(1, BackupReader.RemoveInterruptedRestores(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_restores));
        await BackupReader.RestoreAsync(new MemoryStream(_backup), _key, target, BackupLimits.Default);
        Assert.Equal(20, Directory.EnumerateFiles(target).Count());
    }

    [Fact]
    public async Task StagedDirectory_TargetAppearsBeforeCommit_RefusesAndDeletesPartial()
    {
        var target = Path.Combine(_restores, "grain");
        var staged = StagedDirectory.Create(target);
        File.WriteAllText(Path.Combine(staged.Path, "restored"), "restored");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "someone else's"), "x");

        var error = await Assert.ThrowsAsync<BackupException>(() => staged.CommitAsync(default));
        staged.Dispose();

        Assert.Contains("appeared while the backup was being restored", error.Message);
        Assert.Equal([target], Directory.EnumerateFileSystemEntries(_restores));
        Assert.Equal(["someone else's"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task StagedDirectory_Commit_MovesTreeAtOnceAndDisposeKeepsIt()
    {
        var target = Path.Combine(_restores, "deeper", "grain");
        var staged = StagedDirectory.Create(target);
        Directory.CreateDirectory(Path.Combine(staged.Path, "sub"));
        File.WriteAllText(Path.Combine(staged.Path, "sub", "f"), "f");
        Assert.StartsWith(target + ".partial-", staged.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(staged.Path));

        await staged.CommitAsync(default);
        staged.Dispose();

        Assert.Equal("f", File.ReadAllText(Path.Combine(target, "sub", "f")));
        Assert.False(Directory.Exists(staged.Path));
    }

    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    private static void RunToEnd(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Serves <paramref name="data"/> and calls <paramref name="fail"/> once <paramref name="failAfter"/> bytes have been read.</summary>
    private sealed class FailingStream(byte[] data, int failAfter, Action fail) : Stream
    {
        private int _position;

        public bool Failed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                Failed = true;
                fail();
            }

            // Never past the failure point in one read, so the failure comes exactly there.
            var limit = _position < failAfter ? failAfter : data.Length;
            var read = Math.Min(count, Math.Min(limit, data.Length) - _position);
            data.AsSpan(_position, read).CopyTo(buffer.AsSpan(offset));
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Read(buffer, offset, count));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
