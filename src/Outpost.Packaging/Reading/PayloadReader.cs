namespace Outpost.Packaging;

/// <summary>
/// Walks the tar archive of a package whose signature has already been checked, applying the entry rules and the
/// limits. Every size is judged from the header before the data behind it is decompressed, so a small package that
/// declares a huge file is refused after reading one header block.
/// </summary>
internal static class PayloadReader
{
    /// <summary>What a payload holds once every entry has been accepted.</summary>
    public sealed record Contents(AppManifest Manifest, PackageTree Tree);

    public static async Task<Contents> ReadAsync(Stream tarStream, PackageLimits limits, IPackageSink? sink, CancellationToken ct)
    {
        var tar = new TarEntryReader(tarStream);
        var tree = new PackageTree();
        AppManifest? manifest = null;
        var entries = 0;
        long unpacked = 0;

        while (await tar.NextAsync(ct) is { } entry)
        {
            if (++entries > limits.MaxEntries)
            {
                throw new PackageException($"package has more than {limits.MaxEntries} entries, the limit");
            }

            EntryRules.CheckType(entry);
            var path = EntryRules.ToPackagePath(entry, limits);
            var mode = EntryRules.CheckMode(entry);
            if (entry.IsRegularFile)
            {
                unpacked += entry.Size;
                if (unpacked > limits.MaxUnpackedBytes)
                {
                    throw EntryRules.Error(entry, $"takes the unpacked size past the limit of {limits.MaxUnpackedBytes} bytes");
                }
            }

            if (path is null)
            {
                manifest = manifest is null
                    ? await ReadManifestAsync(tar, entry, entries, limits, sink, ct)
                    : throw EntryRules.Error(entry, "appears more than once");
                continue;
            }

            if (manifest is null)
            {
                // The manifest comes first so a package can be judged by it before its tree is unpacked.
                throw new PackageException("package does not start with manifest.json");
            }

            await AddEntryAsync(tar, entry, path, mode, limits, tree, sink, ct);
        }

        return manifest is null
            ? throw new PackageException("package has no manifest.json")
            : new Contents(manifest, tree);
    }

    private static async Task<AppManifest> ReadManifestAsync(
        TarEntryReader tar, TarEntryHeader entry, int position, PackageLimits limits, IPackageSink? sink, CancellationToken ct)
    {
        if (position != 1)
        {
            throw new PackageException("package does not start with manifest.json");
        }

        if (!entry.IsRegularFile)
        {
            throw EntryRules.Error(entry, "must be a regular file");
        }

        if (entry.Size > limits.MaxManifestBytes)
        {
            throw new PackageException($"manifest.json is {entry.Size} bytes; the limit is {limits.MaxManifestBytes}");
        }

        var json = new byte[entry.Size];
        var filled = 0;
        while (filled < json.Length)
        {
            filled += await tar.ReadDataAsync(json.AsMemory(filled), ct);
        }

        var manifest = Manifest.Parse(json);
        if (sink is not null)
        {
            await sink.WriteManifestAsync(json, ct);
        }

        return manifest;
    }

    private static async Task AddEntryAsync(
        TarEntryReader tar, TarEntryHeader entry, string path, UnixFileMode mode, PackageLimits limits, PackageTree tree,
        IPackageSink? sink, CancellationToken ct)
    {
        switch (entry.TypeFlag)
        {
            case TarEntryHeader.Directory:
                tree.Add(path, TreeNode.Directory(mode));
                if (sink is not null)
                {
                    await sink.CreateDirectoryAsync(path, mode, ct);
                }

                break;

            case TarEntryHeader.SymbolicLink:
                EntryRules.CheckLinkTarget(entry, path, limits.MaxPathLength);
                tree.Add(path, TreeNode.Symlink(entry.LinkName));
                if (sink is not null)
                {
                    await sink.CreateSymlinkAsync(path, entry.LinkName, ct);
                }

                break;

            default:
                tree.Add(path, TreeNode.File(mode, entry.Size));
                if (sink is not null)
                {
                    await sink.WriteFileAsync(path, mode, entry.Size, tar, ct);
                }

                break;
        }
    }
}
