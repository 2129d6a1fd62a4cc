namespace Outpost.Packaging;

/// <summary>
/// The file tree of a package as a map from package path to node, built entry by entry. Every entry's parent must
/// already be a real directory, so no entry can be placed through a symlink or under a file, and later checks
/// (symlink escapes, the manifest's paths, mount points) can resolve paths without touching the disk.
/// </summary>
/// <param name="archive">The kind of archive the tree comes from, for messages ("package", "backup").</param>
internal sealed class PackageTree(string archive = "package")
{
    /// <summary>Symlinks followed while resolving one path before giving up, as the kernel does (ELOOP).</summary>
    public const int MaxSymlinkHops = 40;

    private readonly Dictionary<string, TreeNode> _nodes = new(StringComparer.Ordinal);

    public int Count => _nodes.Count;

    public IEnumerable<KeyValuePair<string, TreeNode>> Nodes => _nodes;

    public bool TryGet(string path, out TreeNode node) => _nodes.TryGetValue(path, out node!);

    /// <summary>Adds <paramref name="node"/> at <paramref name="path"/>, or throws if the placement is not allowed.</summary>
    public void Add(string path, TreeNode node)
    {
        if (path == "/")
        {
            if (node.Kind != TreeNodeKind.Directory)
            {
                throw new PackageException($"{archive} entry 'root' must be a directory");
            }
        }
        else
        {
            var parent = PackagePath.Parent(path);
            if (!_nodes.TryGetValue(parent, out var parentNode))
            {
                throw new PackageException($"{archive} entry '{path}' comes before its directory '{parent}' (parents must be listed first)");
            }

            if (parentNode.Kind != TreeNodeKind.Directory)
            {
                throw new PackageException(
                    $"{archive} entry '{path}' is inside '{parent}', which is a {(parentNode.Kind == TreeNodeKind.Symlink ? "symlink" : "file")}, not a directory");
            }
        }

        if (!_nodes.TryAdd(path, node))
        {
            throw new PackageException($"{archive} entry '{path}' appears more than once");
        }
    }

    /// <summary>
    /// Resolves <paramref name="path"/> the way the kernel would on the host, following symlinks (the last one too
    /// when <paramref name="followLast"/>). Paths that do not exist are resolved lexically from there on.
    /// Returns null when the path climbs above the package root or loops.
    /// </summary>
    public string? Resolve(string path, bool followLast, out string? problem)
    {
        var pending = new LinkedList<string>(PackagePath.Segments(path));
        var resolved = new List<string>();
        var hops = 0;
        problem = null;
        while (pending.First is { } first)
        {
            var segment = first.Value;
            pending.RemoveFirst();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count == 0)
                {
                    problem = $"points outside the {archive}";
                    return null;
                }

                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(segment));
            if (_nodes.TryGetValue(candidate, out var node) && node.Kind == TreeNodeKind.Symlink && (pending.Count > 0 || followLast))
            {
                if (++hops > MaxSymlinkHops)
                {
                    problem = "is part of a symlink loop";
                    return null;
                }

                // The target replaces the link's segment and is resolved from the link's directory.
                foreach (var targetSegment in node.LinkTarget!.Split('/').Reverse())
                {
                    pending.AddFirst(targetSegment);
                }

                continue;
            }

            resolved.Add(segment);
        }

        return "/" + string.Join('/', resolved);
    }
}
