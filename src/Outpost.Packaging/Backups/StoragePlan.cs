namespace Outpost.Packaging;

/// <summary>
/// The grain storage directory as it will be written: every directory, file and symlink in archive order (parents
/// first, names in ordinal order), checked by the same rules a restore applies, so that a backup that can be written
/// can always be restored.
/// </summary>
internal sealed class StoragePlan
{
    private readonly List<(string Path, TreeNode Node)> _items = [];
    private readonly List<string> _skipped = [];
    private readonly PackageTree _tree = new("backup");

    private StoragePlan()
    {
    }

    /// <summary>Storage paths ("/", "/db/main.sqlite") and what is there.</summary>
    public IReadOnlyList<(string Path, TreeNode Node)> Items => _items;

    public IReadOnlyList<string> Skipped => _skipped;

    public long FileBytes { get; private set; }

    /// <summary>Walks <paramref name="storageDir"/> without following any symlink.</summary>
    public static StoragePlan Of(string storageDir, CancellationToken ct)
    {
        if (HostFile.KindOf(storageDir, followLinks: false) != HostFileKind.Directory)
        {
            throw new BackupException($"grain storage '{storageDir}' is not a directory");
        }

        var plan = new StoragePlan();
        plan.Add("/", TreeNode.Directory(StoredMode(storageDir, directory: true)));
        plan.AddChildren(storageDir, "/", ct);
        foreach (var (path, node) in plan._items)
        {
            if (node.Kind == TreeNodeKind.Symlink && plan._tree.Resolve(path, followLast: true, out var problem) is null)
            {
                throw new BackupException($"cannot back up symlink '{path}' -> '{node.LinkTarget}': it {problem}; links in grain storage must stay inside it");
            }
        }

        return plan;
    }

    private void AddChildren(string hostDir, string storageDir, CancellationToken ct)
    {
        var entries = new DirectoryInfo(hostDir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            var path = PackagePath.Combine(storageDir, entry.Name);
            if (PackagePath.CheckSegment(entry.Name, allowDots: false) is { } problem)
            {
                throw new BackupException($"cannot back up '{EntryRules.Printable(path)}': its name {problem}; rename it inside the grain");
            }

            switch (HostFile.KindOf(entry.FullName, followLinks: false))
            {
                case HostFileKind.Directory:
                    Add(path, TreeNode.Directory(StoredMode(entry.FullName, directory: true)));
                    AddChildren(entry.FullName, path, ct);
                    break;
                case HostFileKind.Regular:
                    var length = ((FileInfo)entry).Length;
                    Add(path, TreeNode.File(StoredMode(entry.FullName, directory: false), length));
                    FileBytes += length;
                    break;
                case HostFileKind.Symlink:
                    AddSymlink(path, entry.LinkTarget!);
                    break;
                case HostFileKind.Special:
                    _skipped.Add(path);
                    break;
                default:
                    // Deleted while walking: the grain should be stopped during a backup, but a vanished file is not an error.
                    break;
            }
        }
    }

    private void AddSymlink(string path, string target)
    {
        var problem = PackagePath.CheckLinkTarget(target)
            ?? (PackagePath.EscapesLexically(path, target) ? "points outside the grain's storage" : null);
        if (problem is not null)
        {
            throw new BackupException($"cannot back up symlink '{EntryRules.Printable(path)}': its target '{EntryRules.Printable(target)}' {problem}; links in grain storage must stay inside it");
        }

        Add(path, TreeNode.Symlink(target));
    }

    private void Add(string path, TreeNode node)
    {
        _tree.Add(path, node);
        _items.Add((path, node));
    }

    // Setuid, setgid and sticky bits are never stored: a restore refuses them, and grain data has no use for them.
    private static UnixFileMode StoredMode(string path, bool directory)
    {
        var mode = (int)File.GetUnixFileMode(path) & 0x1FF;
        return (UnixFileMode)(directory ? mode | 0x1C0 : mode);
    }
}
