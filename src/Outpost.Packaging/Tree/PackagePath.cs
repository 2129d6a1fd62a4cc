using System.Text;

namespace Outpost.Packaging;

/// <summary>
/// Rules for paths inside a package. A package path is absolute and normalised ("/", "/app/server.js"): no empty,
/// "." or ".." segments, no trailing slash, and no NUL, backslash or control characters, so that one string names one
/// file for the kernel, for the sandbox and for every log line that prints it.
/// </summary>
internal static class PackagePath
{
    /// <summary>Linux NAME_MAX: longer segments would fail at extraction time with a less helpful error.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Returns null when <paramref name="path"/> is a normalised absolute package path, else the problem.</summary>
    public static string? CheckAbsolute(string path)
    {
        if (!path.StartsWith('/'))
        {
            return "must be an absolute path (starting with '/')";
        }

        if (path == "/")
        {
            return null;
        }

        foreach (var segment in path[1..].Split('/'))
        {
            if (CheckSegment(segment, allowDots: false) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Returns null when <paramref name="target"/> is acceptable as a symlink target, else the problem.</summary>
    public static string? CheckLinkTarget(string target)
    {
        if (target.Length == 0)
        {
            return "is empty";
        }

        // Absolute targets would point at the host's files whenever something outside the sandbox follows the link.
        if (target.StartsWith('/'))
        {
            return "is an absolute path; use a relative target";
        }

        foreach (var segment in target.Split('/'))
        {
            if (CheckSegment(segment, allowDots: true) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Returns null when <paramref name="segment"/> is a valid file name, else the problem.</summary>
    public static string? CheckSegment(string segment, bool allowDots)
    {
        if (segment.Length == 0)
        {
            return "has an empty path segment ('//' or a trailing '/')";
        }

        if (!allowDots && segment is "." or "..")
        {
            return $"contains a '{segment}' segment";
        }

        foreach (var c in segment)
        {
            if (c == '\0')
            {
                return "contains a NUL character";
            }

            if (c == '\\')
            {
                return "contains a backslash";
            }

            if (char.IsControl(c))
            {
                return "contains a control character";
            }
        }

        if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
        {
            return $"has a segment longer than {MaxSegmentBytes} bytes";
        }

        return null;
    }

    /// <summary>The directory holding <paramref name="path"/>; "/" for top-level entries.</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>Appends one segment to a directory path.</summary>
    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>The segments of an absolute path; none for "/".</summary>
    public static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Whether a link at <paramref name="linkPath"/> with a relative <paramref name="target"/> climbs above the package
    /// root when resolved lexically (without following other links). <see cref="PackageTree"/> also checks the
    /// resolution through other links once the whole tree is known.
    /// </summary>
    public static bool EscapesLexically(string linkPath, string target)
    {
        var depth = Segments(Parent(linkPath)).Length;
        foreach (var segment in target.Split('/'))
        {
            if (segment == "..")
            {
                if (--depth < 0)
                {
                    return true;
                }
            }
            else if (segment != ".")
            {
                depth++;
            }
        }

        return false;
    }
}
