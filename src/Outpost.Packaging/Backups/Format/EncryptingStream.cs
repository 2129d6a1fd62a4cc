namespace Outpost.Packaging;

/// <summary>
/// Write-only stream that cuts what is written into fixed-size chunks and writes each one sealed. The final chunk is
/// always shorter than a full one (empty if need be), which is how a reader recognises it; <see cref="FinishAsync"/>
/// writes it.
/// </summary>
internal sealed class EncryptingStream(Stream output, ArchiveKeys keys, int chunkSize) : Stream
{
    private readonly byte[] _plaintext = new byte[chunkSize];
    private readonly byte[] _ciphertext = new byte[chunkSize + ArchiveKeys.TagSize];
    private int _filled;
    private long _index;
    private bool _finished;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _plaintext.Length - _filled);
            buffer.Span[..take].CopyTo(_plaintext.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _plaintext.Length)
            {
                await WriteChunkAsync(final: false, cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Writes the final chunk. Without it a reader reports the backup as truncated.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        await WriteChunkAsync(final: true, ct);
        _finished = true;
        await output.FlushAsync(ct);
    }

    public override void Flush()
    {
        // Only whole chunks can be written; the rest waits for more data or for FinishAsync.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask WriteChunkAsync(bool final, CancellationToken ct)
    {
        var length = _filled + ArchiveKeys.TagSize;
        keys.Seal(_index++, final, _plaintext.AsSpan(0, _filled), _ciphertext.AsSpan(0, length));
        await output.WriteAsync(_ciphertext.AsMemory(0, length), ct);
        _filled = 0;
    }
}
