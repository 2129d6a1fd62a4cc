namespace Outpost.Packaging.Tests;

/// <summary>
/// Entry point of the test assembly when run as a program, so a test can start a real restore in another process
/// and kill it with SIGKILL: <c>dotnet exec Outpost.Packaging.Tests.dll restore BACKUP TARGET KEYFILE</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["restore", var backup, var target, var keyFile])
        {
            await Console.Error.WriteLineAsync("usage: restore BACKUP TARGET KEYFILE (used by the tests; run the tests with dotnet test)");
            return 2;
        }

        using var key = BackupKey.FromText(await File.ReadAllTextAsync(keyFile));
        await using var input = new FileStream(backup, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        await BackupReader.RestoreAsync(input, key, target, BackupLimits.Default);
        return 0;
    }
}
