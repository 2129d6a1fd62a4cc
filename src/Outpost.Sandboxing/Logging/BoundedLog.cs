using System.Text;
using Outpost.Core.Security;

namespace Outpost.Sandboxing;

/// <summary>
/// An append-only log file of bounded size: when the file would pass its limit it becomes <c>path.1</c>
/// (replacing the previous one) and a new file starts, so never more than about twice the limit is on disk.
/// Thread-safe.
/// </summary>
/// <remarks>
/// A grain's output is untrusted and unbounded; the bound keeps a chatty or hostile app from
/// filling the host's disk, and the one predecessor keeps the lines just before a rotation.
/// The file is opened for each append rather than held open, so nothing needs disposing and an
/// operator may delete or move the files at any time.
/// With a key, the log is encrypted at rest (see <see cref="EncryptedLogFormat"/>): an app's output may hold
/// anything the app knows, so it deserves the same protection as the grain's storage.
/// </remarks>
public sealed class BoundedLog
{
    private const string RotatedSuffix = ".1";

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly byte[]? _key;
    private long _size;
    private bool _atLineStart;

    /// <summary>
    /// Opens (or creates) the log at <paramref name="path"/>, rotating at <paramref name="maxBytes"/>; with a
    /// <paramref name="key"/> (32 bytes) every record is encrypted.
    /// </summary>
    public BoundedLog(string path, long maxBytes, byte[]? key = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (key is not null && key.Length != SealedBox.KeySize)
        {
            throw new ArgumentException($"A log key has {SealedBox.KeySize} bytes.", nameof(key));
        }

        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _key = key;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (key is not null && !EncryptedLogFormat.HasHeader(_path))
        {
            // A log from before encryption (or not a log at all): it must not stay on disk in the clear.
            File.Delete(_path);
            File.Delete(_path + RotatedSuffix);
        }

        var existing = new FileInfo(_path);
        _size = existing.Exists ? existing.Length : 0;
        _atLineStart = _size == 0 || (key is null ? LastByte(_path) : EncryptedLogFormat.LastByte(_path, key)) == (byte)'\n';
    }

    /// <summary>Appends raw bytes (an app's output, possibly partial lines).</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        // Bytes beyond the limit would be rotated away by this very write: keep only the newest.
        if (data.Length > _maxBytes)
        {
            data = data[^(int)_maxBytes..];
        }

        lock (_gate)
        {
            ReadOnlySpan<byte> record = _key is null ? data : EncryptedLogFormat.Record(_key, data);
            if (_size > 0 && _size + record.Length > _maxBytes)
            {
                File.Move(_path, _path + RotatedSuffix, overwrite: true);
                _size = 0;
            }

            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            if (_key is not null && stream.Length == 0)
            {
                stream.Write(EncryptedLogFormat.Header);
            }

            stream.Write(record);
            _size = stream.Length;
            _atLineStart = data[^1] == (byte)'\n';
        }
    }

    /// <summary>Appends one line of text, starting a new line first if the app left one unfinished.</summary>
    public void AppendLine(string line)
    {
        lock (_gate)
        {
            var text = (_atLineStart ? string.Empty : "\n") + line + "\n";
            Append(Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>Reads the rotated predecessor (if any) followed by the current log, as UTF-8 text; <paramref name="key"/> decrypts an encrypted log.</summary>
    public static string ReadAll(string path, byte[]? key = null)
    {
        var builder = new StringBuilder();
        foreach (var file in new[] { path + RotatedSuffix, path })
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (key is null)
                {
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    builder.Append(reader.ReadToEnd());
                }
                else
                {
                    builder.Append(Encoding.UTF8.GetString(EncryptedLogFormat.ReadAll(stream, key)));
                }
            }
            catch (FileNotFoundException)
            {
                // No rotation yet, or no output at all.
            }
            catch (DirectoryNotFoundException)
            {
                // The log's directory was never created.
            }
        }

        return builder.ToString();
    }

    /// <summary>The last <paramref name="count"/> lines of the log (for error messages).</summary>
    internal static string Tail(string path, int count, byte[]? key)
    {
        var lines = ReadAll(path, key).TrimEnd('\n').Split('\n');
        return string.Join('\n', lines[Math.Max(0, lines.Length - count)..]);
    }

    private static int LastByte(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte();
    }
}
