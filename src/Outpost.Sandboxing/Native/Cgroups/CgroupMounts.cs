namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>Where this process's own cgroups live on disk, for v1 controllers and for the unified (v2) hierarchy.</summary>
/// <remarks>
/// Sandboxes are created below the driver's own cgroup rather than at the hierarchy's root: the
/// limits an administrator (or systemd, or a container runtime) put on Outpost then still bound
/// all of its grains together, and an unprivileged Outpost only needs its own subtree delegated.
/// </remarks>
internal sealed record CgroupMounts(IReadOnlyDictionary<string, string> V1Directories, string? V2Directory)
{
    /// <summary>Reads /proc/self/mountinfo and /proc/self/cgroup.</summary>
    public static CgroupMounts Discover() =>
        Parse(File.ReadAllLines("/proc/self/mountinfo"), File.ReadAllLines("/proc/self/cgroup"));

    /// <summary>Parses the two files' contents (split out for testing).</summary>
    public static CgroupMounts Parse(IEnumerable<string> mountInfo, IEnumerable<string> procCgroup)
    {
        // /proc/self/cgroup: "ID:controller,list:/path" for v1, "0::/path" for v2.
        var ownV1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? ownV2 = null;
        foreach (var line in procCgroup)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[1].Length == 0)
            {
                ownV2 = parts[2];
                continue;
            }

            foreach (var controller in parts[1].Split(','))
            {
                ownV1[controller] = parts[2];
            }
        }

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? v2 = null;
        foreach (var line in mountInfo)
        {
            // "36 25 0:31 /root /mount/point opts - fstype source superopts"
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 3)
            {
                continue;
            }

            var root = Unescape(fields[3]);
            var mountPoint = Unescape(fields[4]);
            if (tail[0] == "cgroup2" && ownV2 is not null)
            {
                v2 ??= Combine(mountPoint, root, ownV2);
            }
            else if (tail[0] == "cgroup")
            {
                foreach (var option in tail[2].Split(','))
                {
                    if (ownV1.TryGetValue(option, out var own))
                    {
                        v1.TryAdd(option, Combine(mountPoint, root, own));
                    }
                }
            }
        }

        return new CgroupMounts(v1, v2);
    }

    /// <summary>Maps a cgroup path (as /proc/self/cgroup shows it) to a directory under the mount.</summary>
    private static string Combine(string mountPoint, string mountRoot, string cgroupPath)
    {
        // A mount of a sub-tree (mount root "/a") shows paths below it; a path outside the mounted
        // root (a foreign cgroup namespace) cannot be reached, so use the mount point itself.
        string relative;
        if (mountRoot == "/")
        {
            relative = cgroupPath;
        }
        else if (cgroupPath == mountRoot || cgroupPath.StartsWith(mountRoot + "/", StringComparison.Ordinal))
        {
            relative = cgroupPath[mountRoot.Length..];
        }
        else
        {
            relative = "/";
        }

        return mountPoint.TrimEnd('/') + (relative == "/" ? string.Empty : relative);
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal)
            .Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal)
            .Replace("\\134", "\\", StringComparison.Ordinal);
}
