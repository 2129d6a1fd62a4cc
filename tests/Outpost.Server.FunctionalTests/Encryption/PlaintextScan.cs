using System.Text;

namespace Outpost.Server.FunctionalTests.Encryption;

/// <summary>Looks for a string in the raw bytes of every file under a directory.</summary>
internal static class PlaintextScan
{
    /// <summary>The files under <paramref name="root"/> whose bytes contain <paramref name="text"/> (UTF-8), plus how many files were read.</summary>
    public static (List<string> Hits, int FilesRead) Find(string root, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var hits = new List<string>();
        var read = 0;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            if (file.LinkTarget is not null)
            {
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file.FullName);
            }
            catch (IOException) when (file.Length == 0)
            {
                // A unix socket (a running grain's bridge) cannot be opened; it holds no bytes either.
                continue;
            }

            read++;
            if (bytes.AsSpan().IndexOf(needle) >= 0)
            {
                hits.Add(file.FullName);
            }
        }

        return (hits, read);
    }
}
