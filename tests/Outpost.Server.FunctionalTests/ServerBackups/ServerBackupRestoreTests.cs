using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Sharing;
using Outpost.Server.ServerBackups;
using static Outpost.Server.FunctionalTests.Backups.BackupSteps;
using static Outpost.Server.FunctionalTests.ServerBackups.ServerBackupSteps;

namespace Outpost.Server.FunctionalTests.ServerBackups;

/// <summary>A real server backed up twice, then restored whole into fresh data directories that real servers start on.</summary>
public sealed class ServerBackupRestoreTests
{
    [Fact]
    public async Task BackupTwice_SecondStoresOnlyChanges_RestoredServersHaveTheNotesAndTheLink()
    {
        using var repository = new TempDir("repo");
        using var dataA = new TempDir("server-a");
        using var keys = new TempDir("keys");
        var keyFile = Path.Combine(keys.Path, "master.key");
        string first, second, link, changedGrain, otherGrain;
        SnapshotSummary one, two;
        await using (var a = await OutpostHost.StartAsync(BackupsTo(repository.Path), dataA))
        {
            (changedGrain, _) = await NotesGrainWithNoteAsync(a, "the first note");
            otherGrain = (await a.NewGrainAsync((await a.GrainAsync(changedGrain)).AppId, "Other notes")).Id;
            await NotesOfAsync(a, otherGrain);
            link = (await SharingSteps.SharedAsync(a.Api, changedGrain, "viewer", label: "for the team")).Url!;
            one = await BackUpAsync(a);

            using (var browser = a.Browser())
            {
                var origin = await browser.RedeemAsync((await a.OpenAsync(changedGrain)).Url);
                await NotesSteps.CreateNoteAsync(browser, origin, "the second note");
            }

            two = await BackUpAsync(a);
            (first, second) = (one.Id, two.Id);
            File.Copy(a.Paths.MasterKeyFile, keyFile);
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            // Only what changed was stored again: the other grain's storage and the app were not.
            Assert.Equal(2, two.Grains.Count);
            Assert.True(two.NewBytes > 0);
            Assert.True(two.NewBytes < one.NewBytes / 2, $"second backup stored {two.NewBytes} new bytes, the first {one.NewBytes}");
        }

        AssertNoPlaintextIn(repository.Path, "the first note", "the second note");

        using (var dataB = new TempDir("server-b"))
        {
            var restored = await RestoreAsync(repository.Path, dataB.Path, keyFile);
            Assert.True(restored.ExitCode == 0, restored.Error);
            Assert.Contains(second, restored.Output);
            await using var b = await OutpostHost.StartAsync(data: dataB);
            var notes = await NotesOfAsync(b, changedGrain);
            Assert.Contains("the first note", notes);
            Assert.Contains("the second note", notes);
            await NotesOfAsync(b, otherGrain);
            using var visitor = b.Browser();
            var origin = await SharingSteps.OpenLinkInAsync(b, link, visitor);
            Assert.Contains("the second note", await NotesSteps.ListAsync(visitor, origin));
        }

        using var dataC = new TempDir("server-c");
        var older = await RestoreAsync(repository.Path, dataC.Path, keyFile, snapshot: first);
        Assert.True(older.ExitCode == 0, older.Error);
        await using var c = await OutpostHost.StartAsync(data: dataC);
        var oldNotes = await NotesOfAsync(c, changedGrain);
        Assert.Contains("the first note", oldNotes);
        Assert.DoesNotContain("the second note", oldNotes);
    }

    private static void AssertNoPlaintextIn(string directory, params string[] secrets)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var text = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text);
            }
        }
    }
}
