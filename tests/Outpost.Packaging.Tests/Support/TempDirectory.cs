namespace Outpost.Packaging.Tests;

/// <summary>A fresh directory per test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "outpost-packaging-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the directory; does not create anything.</summary>
    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates (or returns) a subdirectory.</summary>
    public string Sub(string relative) => Directory.CreateDirectory(this[relative]).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
