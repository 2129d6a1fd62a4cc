using System.Globalization;
using System.Text;

namespace Outpost.Packaging;

/// <summary>PAX extended header records: "LEN key=value\n", where LEN counts the whole record in bytes.</summary>
internal static class PaxRecords
{
    /// <summary>Parses the records of one extended header, refusing malformed or repeated records.</summary>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> data)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!data.IsEmpty)
        {
            var space = data[..Math.Min(data.Length, 20)].IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 2 || length > data.Length || data[length - 1] != '\n')
            {
                throw new PackageException("payload: malformed pax extended header record");
            }

            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new PackageException("payload: malformed pax extended header record");
            }

            var key = TarLayout.DecodeUtf8(record[..equals], "pax record key");
            var value = TarLayout.DecodeUtf8(record[(equals + 1)..], $"pax '{key}' value");
            if (!records.TryAdd(key, value))
            {
                throw new PackageException($"payload: pax extended header repeats '{key}'");
            }

            data = data[length..];
        }

        return records;
    }

    /// <summary>Encodes records in the given order.</summary>
    public static byte[] Format(IEnumerable<KeyValuePair<string, string>> records)
    {
        var output = new List<byte>();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetBytes($" {key}={value}\n");
            // The length prefix counts its own digits, so grow it until it is self-consistent.
            var length = body.Length + 1;
            while (length != body.Length + length.ToString(CultureInfo.InvariantCulture).Length)
            {
                length = body.Length + length.ToString(CultureInfo.InvariantCulture).Length;
            }

            output.AddRange(Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture)));
            output.AddRange(body);
        }

        return [.. output];
    }
}
