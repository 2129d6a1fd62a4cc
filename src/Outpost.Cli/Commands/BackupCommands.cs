using System.CommandLine;
using Outpost.Packaging;
using Outpost.Server.Backups;

namespace Outpost.Cli.Commands;

/// <summary>
/// <c>outpost grain backup|restore|backup-key</c>. The secret comes from a file or the environment, never from an
/// argument: arguments are visible to every user of the machine (in <c>ps</c> and <c>/proc</c>).
/// </summary>
internal static class BackupCommands
{
    private const string PassphraseVariable = "OUTPOST_BACKUP_PASSPHRASE";

    private static readonly Option<FileInfo?> PassphraseFile = new("--passphrase-file")
    {
        Description = $"File whose first line is the passphrase (default: ${PassphraseVariable})",
    };

    private static readonly Option<FileInfo?> KeyFile = new("--key-file")
    {
        Description = "Backup key file made by 'outpost grain backup-key'",
    };

    public static Command Backup(CliContext context)
    {
        var id = new Argument<string>("GRAIN_ID");
        var output = new Option<FileInfo>("--out") { Description = "Where to write the backup (FILE.partial until it is complete)", Required = true };
        var command = new Command("backup", "Download an encrypted backup of a grain (stops it while its data is read).") { id, output, PassphraseFile, KeyFile };
        command.SetAction(async (result, ct) =>
        {
            var (passphrase, key) = Secret(result);
            var target = result.GetValue(output)!.FullName;
            if (File.Exists(target))
            {
                throw new CliException($"{target} already exists; choose another --out or delete it first.");
            }

            var partial = target + ".partial";
            using var client = ServerOptions.Client(result);
            var progress = new Progress(context.Error);
            try
            {
                await using (var file = new FileStream(partial, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
                {
                    await client.BackupGrainAsync(result.GetValue(id)!, new BackupRequest { Passphrase = passphrase, Key = key }, file, progress, ct);
                    await file.FlushAsync(ct);
                    file.Flush(flushToDisk: true);
                }

                File.Move(partial, target);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }

            await progress.FinishAsync();
            await context.Output.WriteLineAsync(target);
            return 0;
        });
        return command;
    }

    public static Command Restore(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A backup made by 'outpost grain backup' or the web interface" };
        var command = new Command("restore", "Restore a backup as a new grain of yours; prints its id.") { file, PassphraseFile, KeyFile };
        command.SetAction(async (result, ct) =>
        {
            var (passphrase, keyText) = Secret(result);
            var path = result.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new CliException($"{path} does not exist.");
            }

            string? keyLine = null;
            if (keyText is not null)
            {
                // Checked here so a damaged key file is reported before the upload; only the key line travels.
                using (BackupKey.FromText(keyText))
                {
                    keyLine = keyText.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#'));
                }
            }

            using var client = ServerOptions.Client(result);
            await context.Error.WriteLineAsync($"Uploading {new FileInfo(path).Length} bytes and restoring…");
            var restored = await client.RestoreGrainAsync(path, passphrase, keyLine, ct);
            if (restored.AppInstalled is { } installed)
            {
                await context.Error.WriteLineAsync(installed);
            }

            foreach (var skipped in restored.Skipped)
            {
                await context.Error.WriteLineAsync($"not restored: {skipped}");
            }

            await context.Error.WriteLineAsync($"Restored “{restored.Grain.Title}” ({restored.Grain.AppTitle}) with {restored.SharesRestored} shares and {restored.LogEntriesRestored} access log lines.");
            await context.Output.WriteLineAsync(restored.Grain.Id);
            return 0;
        });
        return command;
    }

    public static Command NewKey(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Where to save the new key (created with mode 0600; must not exist)" };
        var command = new Command("backup-key", "Create a random backup key to encrypt backups with instead of a passphrase.") { file };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file)!.FullName;
            using var key = BackupKey.Generate();
            try
            {
                await using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
                await using var writer = new StreamWriter(stream);
                await writer.WriteAsync(key.ToText());
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new CliException($"{path} already exists; a key file is never overwritten (the backups made with it need it).");
            }

            await context.Output.WriteLineAsync($"Backup key {key.KeyId} saved in {path}. Keep a copy away from the server: without it, the backups made with it cannot be restored.");
            return 0;
        });
        return command;
    }

    private static (string? Passphrase, string? KeyText) Secret(ParseResult result)
    {
        var passphraseFile = result.GetValue(PassphraseFile);
        var keyFile = result.GetValue(KeyFile);
        if (passphraseFile is not null && keyFile is not null)
        {
            throw new CliException("Give --passphrase-file or --key-file, not both.");
        }

        if (keyFile is not null)
        {
            return (null, ReadSecretFile(keyFile));
        }

        if (passphraseFile is not null)
        {
            // The first line, as typed: only the line break is not part of it.
            var line = ReadSecretFile(passphraseFile).Split('\n')[0].TrimEnd('\r');
            return (line.Length > 0 ? line : throw new CliException($"{passphraseFile.FullName} is empty; its first line is the passphrase."), null);
        }

        return Environment.GetEnvironmentVariable(PassphraseVariable) is { Length: > 0 } fromEnvironment
            ? (fromEnvironment, null)
            : throw new CliException($"No backup secret: give --passphrase-file FILE, --key-file FILE (see 'outpost grain backup-key'), or set {PassphraseVariable}.");
    }

    private static string ReadSecretFile(FileInfo file) =>
        file.Exists ? File.ReadAllText(file.FullName) : throw new CliException($"{file.FullName} does not exist.");

    /// <summary>Bytes received, on stderr, at most every half second and once at the end.</summary>
    private sealed class Progress(TextWriter error) : IProgress<long>
    {
        private long _bytes;
        private long _lastReport = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Report(long value)
        {
            _bytes = value;
            if (System.Diagnostics.Stopwatch.GetElapsedTime(_lastReport) >= TimeSpan.FromMilliseconds(500))
            {
                _lastReport = System.Diagnostics.Stopwatch.GetTimestamp();
                error.Write($"\rbacking up: {Describe(value)} received");
            }
        }

        public Task FinishAsync() => error.WriteLineAsync($"\rbacked up: {Describe(_bytes)}          ");

        private static string Describe(long bytes) => bytes < 1 << 20 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes / (1024.0 * 1024):0.0} MiB";
    }
}
