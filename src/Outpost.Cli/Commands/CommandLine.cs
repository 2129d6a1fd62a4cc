using System.CommandLine;
using Outpost.Cli.Api;
using Outpost.Packaging;

namespace Outpost.Cli.Commands;

/// <summary>The <c>outpost</c> command tree, and the one place errors become messages and exit codes.</summary>
public static class CommandLine
{
    /// <summary>How long a command has after Ctrl+C or SIGTERM to finish (a server stopping its grains) before the process ends.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Outpost: run web apps as sandboxed grains on your own server.");
        var context = new CliContext(output, error);
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(AdminTokenCommand.Create(context));
        root.Subcommands.Add(KeyCommands.Create(context));
        root.Subcommands.Add(PackagingCommands.Keygen(context));
        root.Subcommands.Add(PackagingCommands.Pack(context));
        root.Subcommands.Add(PackagingCommands.Verify(context));
        root.Subcommands.Add(DevCommand.Create(context));
        root.Subcommands.Add(AppCommands.Create(context));
        root.Subcommands.Add(CatalogCommands.Create(context));
        root.Subcommands.Add(GrainCommands.Create(context));
        root.Subcommands.Add(ShareCommands.Group(context));
        root.Subcommands.Add(ServerCommands.Create(context));
        root.Subcommands.Add(TransferCommands.Create(context));

        var parsed = root.Parse(args);
        try
        {
            // Ctrl+C and SIGTERM cancel the command's token; the default 2 s before the process is ended regardless is
            // too short for a server to stop its grains and unmount their storage.
            var configuration = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = ShutdownTimeout,
            };
            return await parsed.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e) when (e is CliException or PackageException or BackupException or OutpostApiException or Server.Transfer.TransferException or Server.Encryption.MasterKeyException or Server.Hosting.DataDirectoryInUseException or Sandboxing.Storage.EncryptedVolumeException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>Where commands write. Tests run the command line in-process with their own writers.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error);

/// <summary>A user-facing command error: the message says what went wrong and what to do.</summary>
public sealed class CliException(string message) : Exception(message);
