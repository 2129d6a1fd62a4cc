using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary><c>outpost grain backup</c> and <c>outpost grain restore</c> against real servers.</summary>
public sealed class BackupCliTests
{
    [Fact]
    public async Task BackupThenRestore_WithAPassphraseFile_RoundTripsToAnotherServer()
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(source, "through the command line");
        using var work = new TempDir("cli-backup");
        var passphraseFile = Path.Combine(work.Path, "passphrase");
        await File.WriteAllTextAsync(passphraseFile, Passphrase + "\n");
        var file = Path.Combine(work.Path, "notes.outpost-backup");

        var backup = await CliRun.RunAsync("grain", "backup", grainId, "--out", file, "--passphrase-file", passphraseFile, "--server", source.BaseUrl.ToString(), "--token", source.Token);

        Assert.True(backup.ExitCode == 0, backup.Error);
        Assert.True(File.Exists(file));
        Assert.False(File.Exists(file + ".partial"));
        Assert.Contains("backed up:", backup.Error);

        await using var target = await TargetWithNotesAsync();
        var restore = await CliRun.RunAsync("grain", "restore", file, "--passphrase-file", passphraseFile, "--server", target.BaseUrl.ToString(), "--token", target.Token);

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains("through the command line", await NotesOfAsync(target, restore.Output.Trim()));
    }

    [Fact]
    public async Task Backup_WithAKeyFile_RestoresWithItAndNotWithAnother()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "keyed by file");
        using var work = new TempDir("cli-key");
        var keyFile = Path.Combine(work.Path, "backup.key");
        var otherKey = Path.Combine(work.Path, "other.key");
        var file = Path.Combine(work.Path, "notes.outpost-backup");
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];
        Assert.Equal(0, (await CliRun.RunAsync("grain", "backup-key", keyFile)).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync("grain", "backup-key", otherKey)).ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(1, (await CliRun.RunAsync("grain", "backup-key", keyFile)).ExitCode);

        Assert.Equal(0, (await CliRun.RunAsync(["grain", "backup", grainId, "--out", file, "--key-file", keyFile, .. server])).ExitCode);
        var wrong = await CliRun.RunAsync(["grain", "restore", file, "--key-file", otherKey, .. server]);
        var right = await CliRun.RunAsync(["grain", "restore", file, "--key-file", keyFile, .. server]);

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("this backup was made with backup key", wrong.Error);
        Assert.True(right.ExitCode == 0, right.Error);
        Assert.Contains("keyed by file", await NotesOfAsync(host, right.Output.Trim()));
    }

    [Fact]
    public async Task Backup_WithoutASecretOrToAnExistingFile_RefusesAndWritesNothing()
    {
        await using var host = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(host, "unchanged");
        using var work = new TempDir("cli-refuse");
        var existing = Path.Combine(work.Path, "exists.outpost-backup");
        await File.WriteAllTextAsync(existing, "keep me");
        var passphraseFile = Path.Combine(work.Path, "passphrase");
        await File.WriteAllTextAsync(passphraseFile, Passphrase);
        string[] server = ["--server", host.BaseUrl.ToString(), "--token", host.Token];

        var noSecret = await CliRun.RunAsync(["grain", "backup", grainId, "--out", Path.Combine(work.Path, "new"), .. server]);
        var overwrite = await CliRun.RunAsync(["grain", "backup", grainId, "--out", existing, "--passphrase-file", passphraseFile, .. server]);
        var notOwned = await CliRun.RunAsync(["grain", "backup", "0123456789abcdef0123456789abcdef", "--out", Path.Combine(work.Path, "none"), "--passphrase-file", passphraseFile, .. server]);

        Assert.Equal(1, noSecret.ExitCode);
        Assert.Contains("OUTPOST_BACKUP_PASSPHRASE", noSecret.Error);
        Assert.Equal(1, overwrite.ExitCode);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
        Assert.Equal(1, notOwned.ExitCode);
        Assert.Contains("No such grain", notOwned.Error);
        Assert.Equal(["exists.outpost-backup", "passphrase"], Directory.EnumerateFileSystemEntries(work.Path).Select(p => Path.GetFileName(p)!).Order().ToArray());
    }
}
