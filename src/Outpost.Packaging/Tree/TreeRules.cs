namespace Outpost.Packaging;

/// <summary>
/// Checks that need the whole tree: no symlink leads outside the package, and the paths the manifest names exist.
/// Shared by the builder (to fail at pack time) and the reader (because packages come from strangers).
/// </summary>
internal static class TreeRules
{
    private const UnixFileMode ExecuteByAll = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static void Validate(PackageTree tree, AppManifest manifest)
    {
        if (!tree.TryGet("/", out _))
        {
            throw new PackageException("package has no root/ directory (the file tree)");
        }

        foreach (var (path, node) in tree.Nodes)
        {
            // Resolving through the tree, not just lexically, catches chains such as a -> b/c/.. where b/c is
            // itself a link to somewhere shallower. Anything on the host that follows links in an extracted package
            // (backups, icon serving) must stay inside it.
            if (node.Kind == TreeNodeKind.Symlink && tree.Resolve(path, followLast: true, out var problem) is null)
            {
                throw new PackageException($"symlink '{path}' -> '{node.LinkTarget}' {problem}");
            }
        }

        var command = RequireFile(tree, manifest.Command.Path, "command.path");
        if (manifest.Sandbox == SandboxKind.Native && (command.Mode & ExecuteByAll) != ExecuteByAll)
        {
            // The sandbox user does not own the package's files, so the "other" execute bit is the one that counts.
            throw new PackageException(
                $"manifest: 'command.path' {manifest.Command.Path} is not executable (mode {Convert.ToString((int)command.Mode, 8)}); make it executable (chmod +x) before packing");
        }

        if (manifest.Metadata.Icon is { } icon)
        {
            RequireFile(tree, icon, "metadata.icon");
        }
    }

    private static TreeNode RequireFile(PackageTree tree, string path, string field)
    {
        var resolved = tree.Resolve(path, followLast: true, out var problem)
            ?? throw new PackageException($"manifest: '{field}' {path} {problem}");
        if (!tree.TryGet(resolved, out var node))
        {
            throw new PackageException($"manifest: '{field}' {path} does not exist in the package");
        }

        return node.Kind == TreeNodeKind.File
            ? node
            : throw new PackageException($"manifest: '{field}' {path} is a directory, not a file");
    }
}
