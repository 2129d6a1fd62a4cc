using System.Text;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// Reads a WAGI module's stdout as a CGI response (RFC 3875 section 6): header lines, a blank line, the body.
/// </summary>
internal static class CgiResponseParser
{
    private const string Contract = "A WAGI module prints headers (at least Content-Type or Location), a blank line, then the body.";

    public static WagiResponse Parse(byte[] output)
    {
        var headers = new List<KeyValuePair<string, string>>(4);
        int? status = null;
        var hasContentType = false;
        var hasLocation = false;
        var position = 0;
        var bodyStart = output.Length;
        while (position < output.Length)
        {
            var newline = output.AsSpan(position).IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? output.Length : position + newline;
            var line = output.AsSpan(position, lineEnd - position);
            position = newline < 0 ? output.Length : lineEnd + 1;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                bodyStart = position;
                break;
            }

            if (!TryParseHeader(line, out var name, out var value))
            {
                // Like WAGI: a line that is not a header is skipped; the missing Content-Type usually says the rest.
                continue;
            }

            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = ParseStatus(value);
                if (status is null)
                {
                    return WagiFailures.Response(WagiFailureKind.InvalidResponse,
                        $"The app sent an invalid Status header '{value}': it must start with a code from 200 to 599.");
                }

                continue;
            }

            if (IsFramingHeader(name))
            {
                continue;
            }

            hasContentType |= name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);
            hasLocation |= name.Equals("Location", StringComparison.OrdinalIgnoreCase);
            headers.Add(new(name, value));
        }

        if (!hasContentType && !hasLocation)
        {
            return WagiFailures.Response(WagiFailureKind.InvalidResponse, output.Length == 0
                ? "The app wrote no response. " + Contract
                : "The app's response has neither a Content-Type nor a Location header. " + Contract);
        }

        return new WagiResponse
        {
            // CGI: a Location without a Status is a redirect.
            Status = status ?? (hasLocation ? 302 : 200),
            Headers = headers,
            Body = output.AsMemory(bodyStart),
        };
    }

    private static bool TryParseHeader(ReadOnlySpan<byte> line, out string name, out string value)
    {
        name = value = "";
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var nameBytes = line[..colon];
        foreach (var b in nameBytes)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        var valueBytes = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in valueBytes)
        {
            // Visible ASCII, space and tab only: anything else is refused by Kestrel or could split the header.
            if (b is < 0x20 and not (byte)'\t' or >= 0x7F)
            {
                return false;
            }
        }

        name = Encoding.ASCII.GetString(nameBytes);
        value = Encoding.ASCII.GetString(valueBytes);
        return true;
    }

    private static int? ParseStatus(string value)
    {
        var end = value.IndexOf(' ', StringComparison.Ordinal);
        var code = end < 0 ? value : value[..end];
        return code.Length == 3 && int.TryParse(code, out var status) && status is >= 200 and <= 599 ? status : null;
    }

    // The server frames the body itself; the module's word on length or connection handling would corrupt it.
    private static bool IsFramingHeader(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase);

    // RFC 9110 tchar.
    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(b);
}
