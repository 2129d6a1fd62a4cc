using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Outpost.Bridge;

/// <summary>The bridge's command line: where to listen, which port to reach, what to run.</summary>
internal sealed record BridgeOptions(string SocketPath, int Port, string Command, IReadOnlyList<string> Arguments)
{
    public const string Usage = "usage: outpost-bridge --socket PATH --port PORT -- COMMAND [ARGS...]";

    public static bool TryParse(
        string[] args,
        [NotNullWhen(true)] out BridgeOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        options = null;
        string? socket = null;
        int? port = null;
        var i = 0;
        for (; i < args.Length && args[i] != "--"; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--socket" when value is not null:
                    socket = value;
                    i++;
                    break;
                case "--port" when value is not null:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                    {
                        error = $"invalid port '{value}'";
                        return false;
                    }

                    port = p;
                    i++;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}'";
                    return false;
            }
        }

        if (socket is null || port is null)
        {
            error = "--socket and --port are required";
            return false;
        }

        if (i + 1 >= args.Length)
        {
            error = "missing '-- COMMAND'";
            return false;
        }

        options = new BridgeOptions(socket, port.Value, args[i + 1], args[(i + 2)..]);
        error = null;
        return true;
    }
}
