using System.Text;

namespace Outpost.Packaging;

/// <summary>Per-entry rules: names, types and modes a package may contain.</summary>
internal static class EntryRules
{
    public const string ManifestEntry = "manifest.json";
    public const string RootEntry = "root";

    private const int SpecialBits = 0xE00; // setuid 04000, setgid 02000, sticky 01000

    /// <summary>
    /// Maps an archive name to a package path ("root/app/x" to "/app/x", "root" to "/"), or null for manifest.json.
    /// Throws for any name that is not a clean relative path under root/.
    /// </summary>
    public static string? ToPackagePath(TarEntryHeader entry, PackageLimits limits)
    {
        var name = entry.Name;
        if (Encoding.UTF8.GetByteCount(name) > limits.MaxPathLength)
        {
            throw Error(entry, $"name is longer than {limits.MaxPathLength} bytes");
        }

        if (name.StartsWith('/'))
        {
            throw Error(entry, "name is an absolute path; entries must be relative");
        }

        // Directories may be written with the conventional trailing slash.
        if (entry.TypeFlag == TarEntryHeader.Directory && name.EndsWith('/'))
        {
            name = name[..^1];
        }

        foreach (var segment in name.Split('/'))
        {
            if (PackagePath.CheckSegment(segment, allowDots: false) is { } problem)
            {
                throw Error(entry, $"name {problem}");
            }
        }

        if (name == ManifestEntry)
        {
            return null;
        }

        if (name == RootEntry)
        {
            return "/";
        }

        return name.StartsWith(RootEntry + "/", StringComparison.Ordinal)
            ? name[RootEntry.Length..]
            : throw Error(entry, "is outside root/; a package holds only manifest.json and the root/ tree");
    }

    /// <summary>
    /// Refuses every entry type other than regular file, directory and symlink. <paramref name="archive"/> names the
    /// kind of archive in messages ("package", "backup").
    /// </summary>
    public static void CheckType(TarEntryHeader entry, string archive = "package")
    {
        if (!entry.IsRegularFile && entry.TypeFlag is not (TarEntryHeader.Directory or TarEntryHeader.SymbolicLink))
        {
            // Hard links could alias files across the tree, devices would open host hardware, fifos hang readers.
            throw Error(entry, $"is a {entry.TypeName}; {archive}s may contain only regular files, directories and symlinks", archive);
        }

        if (!entry.IsRegularFile && entry.Size != 0)
        {
            throw Error(entry, $"is a {entry.TypeName} but carries {entry.Size} bytes of data", archive);
        }
    }

    /// <summary>Refuses setuid, setgid and sticky bits and returns the mode to store.</summary>
    public static UnixFileMode CheckMode(TarEntryHeader entry, string archive = "package")
    {
        if (entry.Mode is < 0 or > 0xFFF)
        {
            throw Error(entry, $"has an invalid mode {Convert.ToString(entry.Mode, 8)}", archive);
        }

        if ((entry.Mode & SpecialBits) != 0)
        {
            var bit = (entry.Mode & 0x800) != 0 ? "setuid" : (entry.Mode & 0x400) != 0 ? "setgid" : "sticky";
            throw Error(entry, $"has the {bit} bit set (mode {Convert.ToString(entry.Mode, 8)}); {archive}s may not use setuid, setgid or sticky bits", archive);
        }

        // Group and other write bits are dropped: nobody but the owner should change an installed package.
        // Directories keep owner rwx so the tree can always be filled and removed again.
        return entry.TypeFlag == TarEntryHeader.Directory
            ? (UnixFileMode)((entry.Mode | 0x1C0) & 0x1ED)
            : (UnixFileMode)(entry.Mode & 0x1ED);
    }

    /// <summary>Refuses a symlink target that is too long, absolute, malformed or climbs above the archive's tree.</summary>
    public static void CheckLinkTarget(TarEntryHeader entry, string path, int maxPathLength, string archive = "package")
    {
        var target = entry.LinkName;
        if (Encoding.UTF8.GetByteCount(target) > maxPathLength)
        {
            throw Error(entry, $"is a symlink whose target is longer than {maxPathLength} bytes", archive);
        }

        if (PackagePath.CheckLinkTarget(target) is { } problem)
        {
            throw Error(entry, $"is a symlink whose target '{Printable(target)}' {problem}", archive);
        }

        if (PackagePath.EscapesLexically(path, target))
        {
            throw Error(entry, $"is a symlink whose target '{Printable(target)}' points outside the {archive}", archive);
        }
    }

    /// <summary>An entry error, with the name escaped so hostile control characters cannot reach a terminal or log.</summary>
    public static PackageException Error(TarEntryHeader entry, string problem, string archive = "package") =>
        new($"{archive} entry '{Printable(entry.Name)}' {problem}");

    public static string Printable(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text.Length > 200 ? text[..200] + "…" : text)
        {
            builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c);
        }

        return builder.ToString();
    }
}
