namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>A temporary directory that grain users can traverse (the server checks this as root), deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix)
    {
        Path = Directory.CreateTempSubdirectory($"outpost-{prefix}-").FullName;
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A sandbox may still be tearing down a mount; the OS cleans /tmp eventually.
        }
    }
}
