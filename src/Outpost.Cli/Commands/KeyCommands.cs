using System.CommandLine;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost key rotate</c>: replaces the master key (offline, resumable).</summary>
internal static class KeyCommands
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "Data directory of the server (default: as 'outpost serve')" };
        var rotate = new Command("rotate",
            "Re-wrap every grain key under a new master key (no data is re-encrypted). Stop the server first. " +
            "The new key is generated into master.key.new, or taken from OUTPOST_NEW_MASTER_KEY / OUTPOST_NEW_MASTER_PASSPHRASE. " +
            "If interrupted, run it again: it resumes.") { data };
        rotate.SetAction(async (result, ct) =>
        {
            var dir = result.GetValue(data) ?? Environment.GetEnvironmentVariable("OUTPOST__DATADIR") ?? OutpostOptions.DefaultDataDir();
            var paths = new DataPaths(dir);
            var rotation = new KeyRotation(paths, TimeProvider.System, context.Output);
            var done = await rotation.RunAsync(MasterKeyInputs.Current(Environment.GetEnvironmentVariable), MasterKeyInputs.New(Environment.GetEnvironmentVariable), ct);

            await context.Output.WriteLineAsync($"""
                Master key rotated: {done.OldKeyId} -> {done.NewKeyId} ({done.KeysRewrapped} keys re-wrapped, no data re-encrypted).
                The new key: {done.NewKeySource}. Back it up now: the old key no longer opens {paths.Root}
                (it still opens backups of the data directory taken before this rotation).
                """);
            return 0;
        });
        return new Command("key", "Manage the master key that encrypts grains at rest (docs/encryption.md).") { rotate };
    }
}
