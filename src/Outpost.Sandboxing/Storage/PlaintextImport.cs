namespace Outpost.Sandboxing.Storage;

/// <summary>Moves the storage of a grain created before encryption into its (mounted) encrypted storage.</summary>
internal static class PlaintextImport
{
    /// <summary>Copies the tree into the encrypted view, then deletes the plaintext, so an interruption loses nothing (and importing again finishes the job).</summary>
    public static void MoveInto(string plaintextDir, string encryptedView)
    {
        CopyTree(new DirectoryInfo(plaintextDir), encryptedView);
        Directory.Delete(plaintextDir, recursive: true);
    }

    private static void CopyTree(DirectoryInfo source, string target)
    {
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                // Links are recreated as links, never followed: the app may have planted one to a host file.
                // One already there comes from an import a crash interrupted.
                if (new FileInfo(destination).LinkTarget is not null)
                {
                    File.Delete(destination);
                }

                File.CreateSymbolicLink(destination, link);
            }
            else if (entry is DirectoryInfo directory)
            {
                Directory.CreateDirectory(destination);
                CopyTree(directory, destination);
            }
            else if (entry is FileInfo file)
            {
                file.CopyTo(destination, overwrite: true);
            }
        }
    }
}
