namespace Outpost.Packaging;

/// <summary>
/// Adds the "hostFiles" of a pack folder: files and directories copied from this machine to the same absolute path in
/// the package, plus the shared libraries and loader of every ELF file among them. Symlinks are dereferenced so the
/// package holds real files at the paths programs open; only links to directories inside a copied directory stay
/// links, so a tree is never copied twice (or forever, through a loop).
/// </summary>
internal static class HostFiles
{
    public static async Task AddAsync(PackPlan plan, IReadOnlyList<string> hostFiles, CancellationToken ct)
    {
        var elfFiles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in hostFiles)
        {
            switch (HostFile.KindOf(path, followLinks: true))
            {
                case HostFileKind.Regular:
                    AddFile(plan, path, elfFiles);
                    break;
                case HostFileKind.Directory:
                    AddDirectory(plan, path, elfFiles);
                    break;
                case HostFileKind.Missing:
                    throw new PackageException($"pack.hostFiles: '{path}' does not exist on this machine (or is a broken symlink)");
                default:
                    throw new PackageException($"pack.hostFiles: '{path}' is a fifo, socket or device; only files and directories can be packed");
            }
        }

        foreach (var elf in elfFiles)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var library in await Ldd.DependenciesAsync(elf, ct))
            {
                if (HostFile.KindOf(library, followLinks: true) != HostFileKind.Regular)
                {
                    throw new PackageException($"ldd says '{elf}' loads '{library}', which is not a regular file");
                }

                plan.AddFile(library, library, HostFile.PackagedMode(library), HostFile.LengthOf(library));
            }
        }
    }

    private static void AddFile(PackPlan plan, string path, SortedSet<string> elfFiles)
    {
        // The package gets the content a symlink leads to, never the link.
        var length = HostFile.LengthOf(path);
        if (HostFile.IsElf(path))
        {
            elfFiles.Add(path);
        }

        plan.AddFile(path, path, HostFile.PackagedMode(path), length);
    }

    private static void AddDirectory(PackPlan plan, string path, SortedSet<string> elfFiles)
    {
        plan.AddDirectory(path);
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            var child = PackagePath.Combine(path, entry.Name);
            if (PackagePath.CheckSegment(entry.Name, allowDots: false) is { } problem)
            {
                throw new PackageException($"cannot pack '{child}': its name {problem}");
            }

            var kind = HostFile.KindOf(child, followLinks: false);
            if (kind == HostFileKind.Symlink)
            {
                var targetKind = HostFile.KindOf(child, followLinks: true);
                if (targetKind == HostFileKind.Regular)
                {
                    AddFile(plan, child, elfFiles);
                }
                else if (targetKind is HostFileKind.Directory or HostFileKind.Missing)
                {
                    plan.AddSymlink(child, RelativeTarget(child, entry.LinkTarget!));
                }

                continue;
            }

            switch (kind)
            {
                case HostFileKind.Regular:
                    AddFile(plan, child, elfFiles);
                    break;
                case HostFileKind.Directory:
                    AddDirectory(plan, child, elfFiles);
                    break;
                case HostFileKind.Special:
                    throw new PackageException($"cannot pack '{child}': it is a fifo, socket or device");
            }
        }
    }

    /// <summary>
    /// The target a copied link gets. An absolute target becomes the equivalent relative one: inside the sandbox the
    /// package is '/', so it points at the same place, and it can never point at the host when followed outside.
    /// </summary>
    private static string RelativeTarget(string linkPath, string target)
    {
        if (target.StartsWith('/'))
        {
            var from = PackagePath.Segments(PackagePath.Parent(linkPath));
            var to = PackagePath.Segments(Path.GetFullPath(target));
            var common = 0;
            while (common < from.Length && common < to.Length && from[common] == to[common])
            {
                common++;
            }

            var relative = string.Join('/', Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common)));
            target = relative.Length == 0 ? "." : relative;
        }

        var problem = PackagePath.CheckLinkTarget(target)
            ?? (PackagePath.EscapesLexically(linkPath, target) ? "points outside the package" : null);
        if (problem is not null)
        {
            throw new PackageException($"cannot pack symlink '{linkPath}': its target '{target}' {problem}");
        }

        return target;
    }
}
