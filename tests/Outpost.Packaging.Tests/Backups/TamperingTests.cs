namespace Outpost.Packaging.Tests.Backups;

/// <summary>Backups cut short, altered or rearranged after they were written: every one refused, nothing written.</summary>
public sealed class TamperingTests : IDisposable
{
    private const int Chunk = BackupHeader.DefaultChunkSize + 16;

    private readonly TempDirectory _dir = new();
    private readonly BackupKey _key = BackupKey.Generate();
    private readonly byte[] _backup;

    public TamperingTests()
    {
        var storage = _dir.Sub("storage");
        Directory.CreateDirectory(Path.Combine(storage, "docs"));
        var data = new byte[200_000];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(Path.Combine(storage, "docs/data.bin"), data);
        File.WriteAllText(Path.Combine(storage, "notes.txt"), "notes");
        _backup = BackupFixture.WriteAsync(storage, _key).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Backup_UnderTest_SpansSeveralChunks()
    {
        // Four chunks: three full ones and a short final one; the offsets below rely on it.
        Assert.Equal(4, ((_backup.Length - BackupHeader.Size) / Chunk) + 1);
    }

    [Theory]
    [InlineData(20, "inside its 140-byte header")]
    [InlineData(BackupHeader.Size - 1, "inside its 140-byte header")]
    [InlineData(BackupHeader.Size, "the backup is truncated at byte 140: its end is missing")]
    [InlineData(BackupHeader.Size + 10, "the backup is damaged at byte 140 (truncated or modified)")]
    [InlineData(BackupHeader.Size + Chunk + 5000, $"the backup is damaged at byte 65692 (truncated or modified)")]
    [InlineData(BackupHeader.Size + (2 * Chunk), "the backup is truncated at byte 131244: its end is missing")]
    [InlineData(BackupHeader.Size + (3 * Chunk), "the backup is truncated at byte 196796: its end is missing")]
    public async Task RestoreAsync_Truncated_IsRefused(int length, string expected)
    {
        await BackupFixture.AssertRefusedAsync(_backup[..length], _key, expected);
    }

    [Fact]
    public async Task RestoreAsync_LastByteMissing_IsRefused()
    {
        await BackupFixture.AssertRefusedAsync(_backup[..^1], _key, "the backup is damaged at byte 196796 (truncated or modified)");
    }

    [Fact]
    public async Task RestoreAsync_EveryTestedBitFlip_IsRefusedAndWritesNothing()
    {
        // Seeded, so a failure names an offset that can be replayed. Header bytes and chunk bytes alike.
        var random = new Random(20261123);
        var offsets = Enumerable.Range(0, 48).Select(_ => random.Next(_backup.Length))
            .Concat([0, 15, 16, 50, BackupHeader.Size - 1, BackupHeader.Size, _backup.Length - 1]);
        foreach (var offset in offsets)
        {
            var flipped = (byte[])_backup.Clone();
            flipped[offset] ^= (byte)(1 << random.Next(8));
            var message = await BackupFixture.AssertRefusedAsync(flipped, _key, "");
            Assert.True(
                offset < BackupHeader.Size
                    ? message.Contains("not an Outpost backup", StringComparison.Ordinal) || message.Contains("damaged in its header", StringComparison.Ordinal)
                    : message.StartsWith($"the backup is damaged at byte {BackupHeader.Size + ((offset - BackupHeader.Size) / Chunk * Chunk)} ", StringComparison.Ordinal),
                $"flip at {offset}: {message}");
        }
    }

    [Fact]
    public async Task RestoreAsync_ChunksSwapped_IsRefused()
    {
        var swapped = (byte[])_backup.Clone();
        _backup.AsSpan(BackupHeader.Size, Chunk).CopyTo(swapped.AsSpan(BackupHeader.Size + Chunk));
        _backup.AsSpan(BackupHeader.Size + Chunk, Chunk).CopyTo(swapped.AsSpan(BackupHeader.Size));

        await BackupFixture.AssertRefusedAsync(swapped, _key, "the backup is damaged at byte 140 ");
    }

    [Fact]
    public async Task RestoreAsync_ChunkDuplicated_IsRefused()
    {
        var first = _backup.AsSpan(BackupHeader.Size, Chunk).ToArray();
        var duplicated = _backup[..(BackupHeader.Size + Chunk)].Concat(first).Concat(_backup[(BackupHeader.Size + Chunk)..]).ToArray();

        await BackupFixture.AssertRefusedAsync(duplicated, _key, "the backup is damaged at byte 65692 ");
    }

    [Fact]
    public async Task RestoreAsync_ChunkDropped_IsRefused()
    {
        var dropped = _backup[..(BackupHeader.Size + Chunk)].Concat(_backup[(BackupHeader.Size + (2 * Chunk))..]).ToArray();

        await BackupFixture.AssertRefusedAsync(dropped, _key, "the backup is damaged at byte 65692 ");
    }

    [Fact]
    public async Task RestoreAsync_BytesAppended_IsRefused()
    {
        await BackupFixture.AssertRefusedAsync([.. _backup, 0], _key, "the backup is damaged at byte 196796 ");
        await BackupFixture.AssertRefusedAsync([.. _backup, .. new byte[Chunk]], _key, "the backup is damaged at byte 196796 ");
    }

    [Fact]
    public async Task RestoreAsync_ChunkFromAnotherBackupWithSameKey_IsRefused()
    {
        // Same key, same storage: only the random archive salt differs, and it changes every chunk's key.
        var other = await BackupFixture.WriteAsync(_dir["storage"], _key);
        var spliced = (byte[])_backup.Clone();
        other.AsSpan(BackupHeader.Size + Chunk, Chunk).CopyTo(spliced.AsSpan(BackupHeader.Size + Chunk));

        await BackupFixture.AssertRefusedAsync(spliced, _key, "the backup is damaged at byte 65692 ");
    }

    [Fact]
    public async Task RestoreAsync_Untouched_Succeeds()
    {
        // The control for the tests above: the same bytes, unaltered, restore.
        await BackupReader.RestoreAsync(new MemoryStream(_backup), _key, _dir["grain"], BackupLimits.Default);

        Assert.Equal("notes", File.ReadAllText(_dir["grain/notes.txt"]));
    }
}
