using System.Security.Cryptography;
using Outpost.Server.Encryption;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.ServerBackups;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>
/// A restore from a damaged or crafted repository fails with a clear message, writes nothing where the data
/// directory would go, and changes nothing in the repository. Crafted indexes are sealed with the right key, as
/// someone holding the master key (or a bug) could make them: the checks must not rely on the encryption alone.
/// </summary>
public sealed class HostileRepositoryTests : IDisposable
{
    private readonly TempDir _work = new("hostile");
    private readonly MasterKey _master = MasterKey.Generate();
    private readonly byte[] _repositoryKey = RandomNumberGenerator.GetBytes(32);

    public HostileRepositoryTests()
    {
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(Repository);
        File.WriteAllBytes(Path.Combine(Source, "outpost.db"), RandomNumberGenerator.GetBytes((3 * 1024 * 1024) + 17));
        Directory.CreateDirectory(Path.Combine(Source, "apps", "app1"));
        File.WriteAllText(Path.Combine(Source, "apps", "app1", "server.js"), "console.log('hello')");
        File.CreateSymbolicLink(Path.Combine(Source, "apps", "current"), "app1");
        MasterKeyStore.WriteKeyFile(KeyFile, _master);
        SnapshotId = WriteSnapshot(index => index);
    }

    private string Source => Path.Combine(_work.Path, "source");

    private string Repository => Path.Combine(_work.Path, "repo");

    private string Target => Path.Combine(_work.Path, "restored");

    private string KeyFile => Path.Combine(_work.Path, "master.key");

    private string SnapshotId { get; }

    [Fact]
    public async Task TheUntouchedRepository_Restores()
    {
        var result = await RestoreAsync();

        Assert.Equal(SnapshotId, result.SnapshotId);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Source, "outpost.db")), File.ReadAllBytes(Path.Combine(Target, "outpost.db")));
        Assert.Equal("app1", new FileInfo(Path.Combine(Target, "apps", "current")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(Target, "master.key")));
    }

    [Fact]
    public async Task ATargetGivenWithATrailingSlash_IsRestoredInPlace()
    {
        await new ServerRestore(TextWriter.Null).RunAsync(Repository, "latest", Target + "/", KeyFile, MasterKeyInputs.Current(_ => null), CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(Target, "outpost.db")));
        Assert.Equal(["master.key", "repo", "restored", "source"], Directory.EnumerateFileSystemEntries(_work.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public Task TamperedIndex_IsRefused() =>
        AssertRefusedAsync(() => FlipByte(IndexPath(SnapshotId), 100), "index is damaged or was modified");

    [Fact]
    public Task TruncatedIndex_IsRefused() =>
        AssertRefusedAsync(() => Truncate(IndexPath(SnapshotId), 40), "index is damaged or was modified");

    [Fact]
    public Task BitFlippedChunk_IsRefused() =>
        AssertRefusedAsync(() => FlipByte(LargestChunk(), 5000), "is damaged or was modified");

    [Fact]
    public Task TruncatedChunk_IsRefused() =>
        AssertRefusedAsync(() => Truncate(LargestChunk(), 1000), "truncated or was modified");

    [Fact]
    public Task MissingChunk_IsRefused() =>
        AssertRefusedAsync(() => File.Delete(LargestChunk()), "is missing from");

    [Fact]
    public Task WrongMasterKey_IsRefused() =>
        AssertRefusedAsync(() =>
        {
            File.Delete(KeyFile);
            MasterKeyStore.WriteKeyFile(KeyFile, MasterKey.Generate());
        }, "wrong master key");

    [Fact]
    public Task ChunkSwappedForAnother_IsRefused() =>
        AssertRefusedAsync(() =>
        {
            var chunks = Directory.EnumerateFiles(Path.Combine(Repository, "chunks"), "*", SearchOption.AllDirectories).Order().ToList();
            File.Copy(chunks[0], chunks[1], overwrite: true);
        }, "chunk");

    [Theory]
    [InlineData("../escaped", "'..' segment")]
    [InlineData("apps/../../escaped", "'..' segment")]
    [InlineData("/etc/cron.d/evil", "absolute path")]
    [InlineData("apps//double", "empty path segment")]
    [InlineData("nowhere/file", "not inside a directory")]
    public Task FileEntryOutsideTheDataDirectory_IsRefused(string path, string expected) =>
        AssertCraftedRefusedAsync(index => index.Entries.Add(index.Entries.Single(e => e.Path == "outpost.db") with { Path = path }), expected);

    [Fact]
    public Task SymlinkEscaping_IsRefused() =>
        AssertCraftedRefusedAsync(index => index.Entries.Add(new SnapshotEntry { Path = "apps/out", Kind = SnapshotEntryKind.Symlink, Target = "../../../etc" }), "escapes the data directory");

    [Fact]
    public Task AbsoluteSymlink_IsRefused() =>
        AssertCraftedRefusedAsync(index => index.Entries.Add(new SnapshotEntry { Path = "apps/abs", Kind = SnapshotEntryKind.Symlink, Target = "/etc" }), "is absolute");

    [Fact]
    public Task EntryUnderASymlink_IsRefused() =>
        AssertCraftedRefusedAsync(index => index.Entries.Add(index.Entries.Single(e => e.Path == "outpost.db") with { Path = "apps/current/planted" }), "not inside a directory");

    [Fact]
    public Task HugeDeclaredSize_IsRefused() =>
        AssertCraftedRefusedAsync(index => Replace(index, "outpost.db", e => e with { Size = 1L << 50 }), "declares a size");

    [Fact]
    public Task SizeThatDisagreesWithTheChunks_IsRefused() =>
        AssertCraftedRefusedAsync(index => Replace(index, "outpost.db", e => e with { Size = e.Size + (5L << 20) }), "chunks instead of");

    [Fact]
    public Task SetuidMode_IsRefused() =>
        AssertCraftedRefusedAsync(index => Replace(index, "apps/app1/server.js", e => e with { Mode = 0x9ED }), "setuid");

    [Fact]
    public Task DuplicateEntry_IsRefused() =>
        AssertCraftedRefusedAsync(index => index.Entries.Add(index.Entries.Single(e => e.Path == "apps/app1/server.js")), "appears twice");

    [Fact]
    public async Task NonEmptyTarget_IsRefusedAndLeftAsItWas()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "keep.txt"), "mine");

        var error = await Assert.ThrowsAsync<Packaging.BackupException>(RestoreAsync);

        Assert.Contains("is not empty", error.Message);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AnOrphanChunkDamagedByAPowerCut_IsDeletedBeforeABackupCouldReuseIt()
    {
        var content = RandomNumberGenerator.GetBytes(5000);
        File.WriteAllBytes(Path.Combine(Source, "apps", "app1", "new.bin"), content);
        using (var repository = BackupRepository.OpenForBackup(Repository, _repositoryKey, _master.Id, null, k => _master.Wrap(k, Server.ServerBackups.ServerBackups.RepositoryKeyContext)))
        {
            // What a power cut after the rename can leave: the name in place, the content lost.
            var name = repository.Keys.ChunkName(content);
            Directory.CreateDirectory(Path.Combine(Repository, "chunks", name[..2]));
            File.WriteAllBytes(Path.Combine(Repository, "chunks", name[..2], name), new byte[content.Length + 32]);
            var referenced = repository.SnapshotIds().Select(repository.ReadIndex).SelectMany(i => i.Entries).SelectMany(e => e.Chunks ?? []).ToHashSet();

            Assert.Equal(1, repository.RemoveDamagedOrphans(referenced));
            Assert.Equal(0, repository.RemoveDamagedOrphans(referenced));
        }

        var snapshot = WriteSnapshot(index => index);
        await RestoreAsync(snapshot);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(Target, "apps", "app1", "new.bin")));
    }

    [Fact]
    public async Task AMasterKeyFromAPassphrase_OpensTheRepositoryWithTheSamePassphraseOnly()
    {
        var salt = MasterKey.NewSalt();
        var master = MasterKey.FromPassphrase("a passphrase for the whole server", salt);
        var repositoryDir = Directory.CreateDirectory(Path.Combine(_work.Path, "passphrase-repo")).FullName;
        using (var repository = BackupRepository.OpenForBackup(repositoryDir, _repositoryKey, master.Id, salt, k => master.Wrap(k, Server.ServerBackups.ServerBackups.RepositoryKeyContext)))
        {
            var builder = new SnapshotBuilder(repository, new Dictionary<string, SnapshotEntry>(), DateTimeOffset.UtcNow, CancellationToken.None);
            builder.Add(Path.Combine(Source, "outpost.db"), "outpost.db");
            repository.WriteIndex(new SnapshotIndex
            {
                FormatVersion = SnapshotIndex.CurrentFormat, Id = BackupRepository.NewSnapshotId(DateTimeOffset.UtcNow), CreatedAt = DateTimeOffset.UtcNow, ServerVersion = "test",
                MasterKeyId = master.Id, Grains = [], Entries = builder.Entries, TotalBytes = builder.TotalBytes,
            });
        }

        var wrong = await Assert.ThrowsAsync<Packaging.BackupException>(() => RestoreWithPassphraseAsync("another passphrase entirely"));
        Assert.Contains("wrong master key", wrong.Message);
        Assert.False(Directory.Exists(Target));

        var result = await RestoreWithPassphraseAsync("a passphrase for the whole server");
        Assert.Equal(master.Id, result.MasterKeyId);
        Assert.False(result.KeyFileWritten);
        Assert.False(File.Exists(Path.Combine(Target, "master.key")));

        Task<ServerRestore.Result> RestoreWithPassphraseAsync(string passphrase) =>
            new ServerRestore(TextWriter.Null).RunAsync(repositoryDir, "latest", Target, keyFile: null,
                MasterKeyInputs.Current(name => name == MasterKeyInputs.PassphraseVariable ? passphrase : null), CancellationToken.None);
    }

    [Fact]
    public Task ASnapshotTakenUnderAnotherMasterKey_IsRefusedNamingIt() =>
        AssertCraftedRefusedAsync(_ => { }, "was taken before a master key rotation", masterKeyId: "00112233aabbccdd");

    [Fact]
    public async Task ADataDirectoryInUseByAServer_IsRefused()
    {
        Directory.CreateDirectory(Target);
        using (Server.Hosting.ServerLock.Acquire(new Server.Hosting.DataPaths(Target), "in use by the test"))
        {
            var error = await Assert.ThrowsAsync<Server.Hosting.DataDirectoryInUseException>(RestoreAsync);

            Assert.Contains("a restore needs a new, empty data directory", error.Message);
        }

        Assert.Equal(["server.lock"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName));
    }

    [Fact]
    public void ABackupDirectoryThatDoesNotExist_IsNotCreated()
    {
        var unmounted = Path.Combine(_work.Path, "mnt", "backup-disk");

        var error = Assert.Throws<Packaging.BackupException>(() =>
            BackupRepository.OpenForBackup(unmounted, _repositoryKey, _master.Id, null, k => _master.Wrap(k, Server.ServerBackups.ServerBackups.RepositoryKeyContext)));

        Assert.Contains("does not exist: create it on the disk the backups go to, or mount that disk", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "mnt")));
    }

    public void Dispose() => _work.Dispose();

    private async Task AssertCraftedRefusedAsync(Action<CraftedIndex> craft, string expected, string? masterKeyId = null)
    {
        var crafted = WriteSnapshot(index =>
        {
            var copy = new CraftedIndex(index.Entries.ToList());
            craft(copy);
            return new SnapshotIndex
            {
                FormatVersion = index.FormatVersion, Id = index.Id, CreatedAt = index.CreatedAt.AddMinutes(1), ServerVersion = index.ServerVersion,
                MasterKeyId = masterKeyId ?? index.MasterKeyId, Grains = index.Grains, Entries = copy.Entries, TotalBytes = index.TotalBytes,
            };
        });
        await AssertRefusedAsync(() => { }, expected, crafted);
    }

    private async Task AssertRefusedAsync(Action damage, string expected, string? snapshot = null)
    {
        damage();
        var before = Fingerprint(Repository);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RestoreAsync(snapshot ?? SnapshotId));

        Assert.True(error is Packaging.BackupException or MasterKeyException, error.ToString());
        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(Target) || File.Exists(Target), "nothing may be written where the data directory goes");
        Assert.Equal(["master.key", "repo", "source"], Directory.EnumerateFileSystemEntries(_work.Path).Select(Path.GetFileName).Order());
        Assert.Equal(before, Fingerprint(Repository));
    }

    private Task<ServerRestore.Result> RestoreAsync() => RestoreAsync(SnapshotId);

    private Task<ServerRestore.Result> RestoreAsync(string snapshot) =>
        new ServerRestore(TextWriter.Null).RunAsync(Repository, snapshot, Target, KeyFile, MasterKeyInputs.Current(_ => null), CancellationToken.None);

    /// <summary>Backs <see cref="Source"/> up as a snapshot whose index <paramref name="edit"/> may change before it is sealed.</summary>
    private string WriteSnapshot(Func<SnapshotIndex, SnapshotIndex> edit)
    {
        using var repository = BackupRepository.OpenForBackup(Repository, _repositoryKey, _master.Id, null, k => _master.Wrap(k, Server.ServerBackups.ServerBackups.RepositoryKeyContext));
        var at = DateTimeOffset.UtcNow.AddMinutes(Directory.EnumerateFiles(Path.Combine(Repository, "snapshots")).Count());
        var builder = new SnapshotBuilder(repository, new Dictionary<string, SnapshotEntry>(), at, CancellationToken.None);
        builder.Add(Path.Combine(Source, "apps"), "apps");
        builder.Add(Path.Combine(Source, "outpost.db"), "outpost.db");
        var index = edit(new SnapshotIndex
        {
            FormatVersion = SnapshotIndex.CurrentFormat, Id = BackupRepository.NewSnapshotId(at), CreatedAt = at, ServerVersion = "test", MasterKeyId = _master.Id,
            Grains = [], Entries = builder.Entries, TotalBytes = builder.TotalBytes,
        });
        repository.WriteIndex(index);
        return index.Id;
    }

    private static void Replace(CraftedIndex index, string path, Func<SnapshotEntry, SnapshotEntry> change)
    {
        var at = index.Entries.FindIndex(e => e.Path == path);
        index.Entries[at] = change(index.Entries[at]);
    }

    private string IndexPath(string id) => Path.Combine(Repository, "snapshots", id);

    private string LargestChunk() =>
        Directory.EnumerateFiles(Path.Combine(Repository, "chunks"), "*", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;

    private static void FlipByte(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[Math.Min(offset, bytes.Length - 1)] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path, int keep)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(keep);
    }

    private static string Fingerprint(string directory) => string.Join("\n", Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(directory, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    /// <summary>An index's entries, open to edits.</summary>
    public sealed record CraftedIndex(List<SnapshotEntry> Entries);
}
