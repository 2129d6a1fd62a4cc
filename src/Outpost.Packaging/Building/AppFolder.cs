namespace Outpost.Packaging;

/// <summary>
/// Adds a pack folder's files under /app: everything except dotfiles (.git, .env and the like rarely belong in a
/// package and often hold secrets), outpost.json itself and the "exclude" patterns.
/// </summary>
internal static class AppFolder
{
    /// <summary>Where the pack folder appears inside the package.</summary>
    public const string Location = "/app";

    /// <param name="plan">The plan to add to.</param>
    /// <param name="sourceDir">Full path of the pack folder.</param>
    /// <param name="exclude">Patterns to leave out.</param>
    /// <param name="skipHostPath">A file never to include: the package being written, when it is inside the folder.</param>
    public static void Add(PackPlan plan, string sourceDir, ExcludeMatcher exclude, string skipHostPath)
    {
        plan.AddDirectory(Location);
        Walk(plan, sourceDir, Location, "", relative =>
            relative.Split('/')[^1].StartsWith('.') || relative == PackSource.ManifestFile || exclude.IsExcluded(relative), skipHostPath);
    }

    /// <summary>
    /// Adds a directory built for the package, such as an npm install, at <paramref name="location"/>: everything in
    /// it, dotfiles included (node_modules/.bin holds links the packages use), under the same rules for names and links.
    /// </summary>
    public static void AddTree(PackPlan plan, string hostDir, string location)
    {
        plan.AddDirectory(location);
        Walk(plan, hostDir, location, "", _ => false, skipHostPath: "");
    }

    private static void Walk(PackPlan plan, string hostDir, string location, string relativeDir, Func<string, bool> skip, string skipHostPath)
    {
        foreach (var entry in new DirectoryInfo(hostDir).EnumerateFileSystemInfos())
        {
            var relative = relativeDir.Length == 0 ? entry.Name : $"{relativeDir}/{entry.Name}";
            if (skip(relative) || entry.FullName == skipHostPath)
            {
                continue;
            }

            if (PackagePath.CheckSegment(entry.Name, allowDots: false) is { } problem)
            {
                throw new PackageException($"cannot pack '{entry.FullName}': its name {problem}");
            }

            var path = $"{location}/{relative}";
            switch (HostFile.KindOf(entry.FullName, followLinks: false))
            {
                case HostFileKind.Directory:
                    plan.AddDirectory(path);
                    Walk(plan, entry.FullName, location, relative, skip, skipHostPath);
                    break;

                case HostFileKind.Regular:
                    plan.AddFile(path, entry.FullName, HostFile.PackagedMode(entry.FullName), HostFile.LengthOf(entry.FullName));
                    break;

                case HostFileKind.Symlink:
                    plan.AddSymlink(path, CheckedLinkTarget(entry, path));
                    break;

                case HostFileKind.Missing:
                    // Deleted while packing; nothing to add.
                    break;

                default:
                    throw new PackageException($"cannot pack '{entry.FullName}': it is a fifo, socket or device; packages hold only files, directories and symlinks");
            }
        }
    }

    private static string CheckedLinkTarget(FileSystemInfo link, string path)
    {
        var target = link.LinkTarget!;
        if (PackagePath.CheckLinkTarget(target) is { } problem)
        {
            throw new PackageException($"cannot pack symlink '{link.FullName}': its target '{target}' {problem}");
        }

        return PackagePath.EscapesLexically(path, target)
            ? throw new PackageException($"cannot pack symlink '{link.FullName}': its target '{target}' points outside the package")
            : target;
    }
}
