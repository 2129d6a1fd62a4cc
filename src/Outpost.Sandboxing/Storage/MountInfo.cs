using System.Globalization;
using System.Text;

namespace Outpost.Sandboxing.Storage;

/// <summary>Reads the kernel's list of mounts (/proc/self/mountinfo).</summary>
internal static class MountInfo
{
    private const string GocryptfsType = "fuse.gocryptfs";

    public static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        return Entries().Any(e => e.MountPoint == full);
    }

    public static List<string> GocryptfsMountsUnder(string root)
    {
        var prefix = Path.GetFullPath(root).TrimEnd('/') + "/";
        return Entries()
            .Where(e => e.FsType == GocryptfsType && e.MountPoint.StartsWith(prefix, StringComparison.Ordinal))
            .Select(e => e.MountPoint)
            .ToList();
    }

    /// <summary>The FUSE connection number of the mount at <paramref name="path"/> (its device minor), as /sys/fs/fuse/connections names it.</summary>
    public static string? FuseConnectionOf(string path) => DeviceOf(path) is [_, var minor] ? minor : null;

    /// <summary>The device number of the mount at <paramref name="path"/> as "major:minor", as /sys/class/bdi names it.</summary>
    public static string? BackingDeviceOf(string path) => DeviceOf(path) is [var major, var minor] ? $"{major}:{minor}" : null;

    private static string[]? DeviceOf(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 5 && Unescape(fields[4]) == full && fields[2].Split(':') is [var major, var minor] && major.All(char.IsAsciiDigit) && minor.All(char.IsAsciiDigit))
            {
                return [major, minor];
            }
        }

        return null;
    }

    private static IEnumerable<(string MountPoint, string FsType)> Entries()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            yield return (Unescape(fields[4]), fields[separator + 1]);
        }
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }
}
