namespace Outpost.Packaging;

/// <summary>
/// Directories the sandbox mounts over (/var, /tmp, /dev, /proc, ...). They must be real directories in the package:
/// if one were a symlink, the sandbox would mount wherever the app chose to point it.
/// </summary>
internal static class MountPoints
{
    /// <summary>Throws <see cref="ArgumentException"/> unless every mount point is a normalised absolute path other than "/".</summary>
    public static void CheckArgument(IReadOnlyList<string> mountPoints)
    {
        ArgumentNullException.ThrowIfNull(mountPoints);
        foreach (var mountPoint in mountPoints)
        {
            if (mountPoint is null || mountPoint == "/" || PackagePath.CheckAbsolute(mountPoint) is not null)
            {
                throw new ArgumentException($"Mount point '{mountPoint}' must be a normalised absolute path below '/'.", nameof(mountPoints));
            }
        }
    }

    /// <summary>
    /// Makes each mount point and its parents directories of <paramref name="tree"/>, calling
    /// <paramref name="create"/> for each one added; throws when one exists as anything else.
    /// </summary>
    public static void Ensure(PackageTree tree, IReadOnlyList<string> mountPoints, Action<string> create)
    {
        foreach (var mountPoint in mountPoints)
        {
            var path = "/";
            foreach (var segment in PackagePath.Segments(mountPoint))
            {
                path = PackagePath.Combine(path, segment);
                if (!tree.TryGet(path, out var node))
                {
                    var directory = TreeNode.Directory((UnixFileMode)0x1ED);
                    tree.Add(path, directory);
                    create(path);
                }
                else if (node.Kind != TreeNodeKind.Directory)
                {
                    throw new PackageException(
                        $"package has a {(node.Kind == TreeNodeKind.Symlink ? "symlink" : "file")} at '{path}', where the sandbox needs a real directory to mount '{mountPoint}'; remove it from the package");
                }
            }
        }
    }
}
