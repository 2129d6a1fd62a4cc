using System.CommandLine;
using Outpost.Cli.Api;

namespace Outpost.Cli.Commands;

/// <summary>The options every command that talks to a running server takes: <c>--server</c> and <c>--token</c>.</summary>
internal static class ServerOptions
{
    public static readonly Option<string> Server = new("--server")
    {
        Description = "URL of the Outpost server (default: $OUTPOST_SERVER or http://localhost:6080)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OUTPOST_SERVER") is { Length: > 0 } s ? s : "http://localhost:6080",
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "API token (default: $OUTPOST_TOKEN; get one with 'outpost admin-token')",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("OUTPOST_TOKEN"),
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Token);
    }

    public static OutpostClient Client(ParseResult result)
    {
        var token = result.GetValue(Token);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CliException("No API token. Pass --token or set OUTPOST_TOKEN (on the server machine: export OUTPOST_TOKEN=$(outpost admin-token)).");
        }

        if (!Uri.TryCreate(result.GetValue(Server), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--server must be an http(s) URL, not '{result.GetValue(Server)}'.");
        }

        return new OutpostClient(server, token.Trim());
    }
}
