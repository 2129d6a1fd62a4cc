using Outpost.Cli.Commands;

namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>Runs the <c>outpost</c> command line in-process, capturing what it prints.</summary>
internal static class CliRun
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>Exit code and output of one command.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);
