namespace Outpost.Cli.Commands;

/// <summary>Writes aligned plain-text tables, like <c>docker ps</c>.</summary>
internal static class Table
{
    public static async Task WriteAsync(TextWriter output, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }
}
