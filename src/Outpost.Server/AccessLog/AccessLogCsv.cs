using System.Globalization;
using System.Text;

namespace Outpost.Server.AccessLog;

/// <summary>Writes access log entries as CSV (RFC 4180) that spreadsheets open safely.</summary>
internal static class AccessLogCsv
{
    private static readonly string[] Header = ["time", "grain_id", "grain_title", "action", "who", "account_id", "share_id", "role", "address", "detail"];

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<AccessLogView> entries, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Header));
        await foreach (var e in entries.WithCancellation(ct))
        {
            string?[] cells =
            [
                e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                e.GrainId, e.GrainTitle, e.Action, e.Who, e.AccountId, e.ShareId, e.Role, e.Address, e.Detail,
            ];
            await writer.WriteLineAsync(string.Join(',', cells.Select(Cell)));
        }
    }

    /// <summary>
    /// Quotes a cell when it needs it, and defuses formulas: titles and names are chosen by other people, and a
    /// spreadsheet would run a cell starting with = + - @ (or a tab/CR that hides one) as a formula.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
