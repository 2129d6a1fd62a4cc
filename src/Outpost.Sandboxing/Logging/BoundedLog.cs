using System.Text;

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
/// </remarks>
public sealed class BoundedLog
{
    private const string RotatedSuffix = ".1";

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private long _size;
    private bool _atLineStart;

    /// <summary>Opens (or creates) the log at <paramref name="path"/>, rotating at <paramref name="maxBytes"/>.</summary>
    public BoundedLog(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var existing = new FileInfo(_path);
        _size = existing.Exists ? existing.Length : 0;
        _atLineStart = _size == 0 || LastByte(_path) == (byte)'\n';
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
            if (_size > 0 && _size + data.Length > _maxBytes)
            {
                File.Move(_path, _path + RotatedSuffix, overwrite: true);
                _size = 0;
            }

            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(data);
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

    /// <summary>Reads the rotated predecessor (if any) followed by the current log, as UTF-8 text.</summary>
    public static string ReadAll(string path)
    {
        var builder = new StringBuilder();
        foreach (var file in new[] { path + RotatedSuffix, path })
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                builder.Append(reader.ReadToEnd());
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
    internal static string Tail(string path, int count)
    {
        var lines = ReadAll(path).TrimEnd('\n').Split('\n');
        return string.Join('\n', lines[Math.Max(0, lines.Length - count)..]);
    }

    private static int LastByte(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte();
    }
}
