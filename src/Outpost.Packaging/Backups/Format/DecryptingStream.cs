namespace Outpost.Packaging;

/// <summary>
/// Read-only stream of a backup's plaintext. A chunk's bytes are handed out only after the chunk has been
/// authenticated, so nothing unauthenticated ever reaches the tar reader, and a backup that is cut short (even at a
/// chunk boundary), reordered, or followed by extra bytes fails with the offset of the first bad chunk.
/// </summary>
internal sealed class DecryptingStream(Stream input, ArchiveKeys keys, int chunkSize) : Stream
{
    private readonly byte[] _ciphertext = new byte[chunkSize + ArchiveKeys.TagSize];
    private readonly byte[] _plaintext = new byte[chunkSize];
    private int _start;
    private int _end;
    private long _index;
    private bool _finished;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>File offset of chunk <paramref name="index"/>.</summary>
    private long OffsetOf(long index) => BackupHeader.Size + (index * _ciphertext.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_start == _end && !_finished)
        {
            await ReadChunkAsync(cancellationToken);
        }

        var count = Math.Min(buffer.Length, _end - _start);
        _plaintext.AsSpan(_start, count).CopyTo(buffer.Span);
        _start += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task ReadChunkAsync(CancellationToken ct)
    {
        var read = await input.ReadAtLeastAsync(_ciphertext, _ciphertext.Length, throwOnEndOfStream: false, ct);
        if (read == 0)
        {
            throw new BackupException($"the backup is truncated at byte {OffsetOf(_index)}: its end is missing");
        }

        // Writers always end with a short chunk, so a full one is never the last.
        var final = read < _ciphertext.Length;
        if (read < ArchiveKeys.TagSize || !keys.Open(_index, final, _ciphertext.AsSpan(0, read), _plaintext.AsSpan(0, read - ArchiveKeys.TagSize)))
        {
            throw Damaged(OffsetOf(_index));
        }

        _index++;
        _start = 0;
        _end = read - ArchiveKeys.TagSize;
        if (final)
        {
            _finished = true;
        }
    }

    private static BackupException Damaged(long offset) =>
        new($"the backup is damaged at byte {offset} (truncated or modified); it cannot be restored. Use another copy of it.");
}
