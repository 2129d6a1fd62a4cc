namespace Outpost.Packaging;

/// <summary>
/// Everything a package will hold, keyed by package path and kept in ordinal order. That order puts every directory
/// before its contents (a parent is a prefix of its children) and makes the archive the same on every run.
/// </summary>
internal sealed class PackPlan
{
    private static readonly UnixFileMode _directoryMode = (UnixFileMode)0x1ED;

    private readonly SortedDictionary<string, Item> _items = new(StringComparer.Ordinal);

    public PackPlan() => _items.Add("/", new Item(TreeNode.Directory(_directoryMode), null));

    /// <summary>A planned entry: its node and, for files, the host file its bytes come from.</summary>
    public sealed record Item(TreeNode Node, string? SourcePath);

    public IEnumerable<KeyValuePair<string, Item>> Items => _items;

    public int Count => _items.Count;

    public long TotalFileBytes => _items.Values.Sum(i => i.Node.Size);

    public bool Contains(string path) => _items.ContainsKey(path);

    public void AddDirectory(string path)
    {
        AddParents(path);
        if (_items.TryGetValue(path, out var existing))
        {
            if (existing.Node.Kind != TreeNodeKind.Directory)
            {
                throw Conflict(path, existing, "a directory");
            }

            return;
        }

        _items.Add(path, new Item(TreeNode.Directory(_directoryMode), null));
    }

    /// <summary>Adds a file; adding the same host file at the same path again is a no-op (shared libraries).</summary>
    public void AddFile(string path, string sourcePath, UnixFileMode mode, long size)
    {
        AddParents(path);
        if (_items.TryGetValue(path, out var existing))
        {
            if (existing.Node.Kind != TreeNodeKind.File || existing.SourcePath != sourcePath)
            {
                throw Conflict(path, existing, $"a copy of '{sourcePath}'");
            }

            return;
        }

        _items.Add(path, new Item(TreeNode.File(mode, size), sourcePath));
    }

    public void AddSymlink(string path, string target)
    {
        AddParents(path);
        if (_items.TryGetValue(path, out var existing))
        {
            if (existing.Node.Kind != TreeNodeKind.Symlink || existing.Node.LinkTarget != target)
            {
                throw Conflict(path, existing, $"a symlink to '{target}'");
            }

            return;
        }

        _items.Add(path, new Item(TreeNode.Symlink(target), null));
    }

    /// <summary>The plan as a tree, for the same checks a reader applies.</summary>
    public PackageTree ToTree()
    {
        var tree = new PackageTree();
        foreach (var (path, item) in _items)
        {
            tree.Add(path, item.Node);
        }

        return tree;
    }

    private void AddParents(string path)
    {
        if (path == "/")
        {
            return;
        }

        var parent = PackagePath.Parent(path);
        if (!_items.ContainsKey(parent))
        {
            AddDirectory(parent);
        }
        else if (_items[parent].Node.Kind != TreeNodeKind.Directory)
        {
            throw Conflict(parent, _items[parent], $"the directory holding '{path}'");
        }
    }

    private static PackageException Conflict(string path, Item existing, string wanted) =>
        new($"cannot pack '{path}' as {wanted}: the package already has {Describe(existing)} there");

    private static string Describe(Item item) => item.Node.Kind switch
    {
        TreeNodeKind.Directory => "a directory",
        TreeNodeKind.Symlink => $"a symlink to '{item.Node.LinkTarget}'",
        _ => $"a copy of '{item.SourcePath}'",
    };
}
