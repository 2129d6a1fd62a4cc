namespace Outpost.Sandboxing.Wasm;

/// <summary>Shortens Wasmtime's multi-line errors (a backtrace, then "Caused by:" lines) to one line for people.</summary>
internal static class WasmtimeMessages
{
    public static string Summary(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return "unknown error";
        }

        var causedBy = Array.FindIndex(lines, l => l.Equals("Caused by:", StringComparison.Ordinal));
        if (causedBy < 0)
        {
            return lines[0];
        }

        // "error while executing at wasm backtrace:" says nothing the cause does not; otherwise keep the context.
        var causes = string.Join(": ", lines[(causedBy + 1)..].Select(l => l.TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ' ')));
        return lines[0].Contains("backtrace", StringComparison.Ordinal) ? causes : lines[0] + ": " + causes;
    }
}
