using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// Reads exactly <c>length</c> bytes from a stream and feeds every byte read to a hash, so the reader can prove
/// afterwards that what it parsed is what was signed.
/// </summary>
internal sealed class HashingReadStream(Stream inner, long length, IncrementalHash hash) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_read == length || buffer.IsEmpty)
        {
            return 0;
        }

        return Consumed(buffer, inner.Read(buffer[..Available(buffer.Length)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_read == length || buffer.IsEmpty)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..Available(buffer.Length)], cancellationToken);
        return Consumed(buffer.Span, read);
    }

    /// <summary>Reads (and hashes) whatever the consumer left unread.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, ct) > 0)
        {
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Available(int wanted) => (int)Math.Min(wanted, length - _read);

    private int Consumed(ReadOnlySpan<byte> buffer, int read)
    {
        if (read == 0)
        {
            throw new PackageException("package file got shorter while it was being read; try again");
        }

        hash.AppendData(buffer[..read]);
        _read += read;
        return read;
    }
}
