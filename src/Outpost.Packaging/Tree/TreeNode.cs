namespace Outpost.Packaging;

/// <summary>What kind of thing a package path is.</summary>
internal enum TreeNodeKind
{
    Directory,
    File,
    Symlink,
}

/// <summary>One path of a package: its kind, permission bits, size (files) and target (symlinks).</summary>
internal sealed record TreeNode(TreeNodeKind Kind, UnixFileMode Mode, long Size = 0, string? LinkTarget = null)
{
    public static TreeNode Directory(UnixFileMode mode) => new(TreeNodeKind.Directory, mode);

    public static TreeNode File(UnixFileMode mode, long size) => new(TreeNodeKind.File, mode, size);

    public static TreeNode Symlink(string target) => new(TreeNodeKind.Symlink, (UnixFileMode)0x1FF, 0, target);
}
