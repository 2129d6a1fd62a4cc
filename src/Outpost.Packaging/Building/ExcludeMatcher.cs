namespace Outpost.Packaging;

/// <summary>
/// The "exclude" patterns of a pack folder. A pattern is a path relative to the folder, '/'-separated; '*' and '?'
/// match within one segment and a '**' segment matches any number of segments. A pattern that matches a directory
/// excludes everything below it.
/// </summary>
internal sealed class ExcludeMatcher(IReadOnlyList<string> patterns)
{
    private readonly List<string[]> _patterns = [.. patterns.Select(p => p.Split('/'))];

    /// <summary>Returns null when <paramref name="pattern"/> is usable, else the problem.</summary>
    public static string? CheckPattern(string pattern)
    {
        if (pattern.Length == 0 || pattern.StartsWith('/'))
        {
            return "must be a non-empty path relative to the pack folder";
        }

        return pattern.Split('/').Any(s => s is "" or "." or "..")
            ? "must not contain empty, '.' or '..' segments"
            : null;
    }

    /// <summary>Whether <paramref name="relativePath"/> ('/'-separated, relative to the pack folder) is excluded.</summary>
    public bool IsExcluded(string relativePath)
    {
        var segments = relativePath.Split('/');
        return _patterns.Any(pattern => MatchesPrefix(pattern, 0, segments, 0));
    }

    // True when the pattern matches the first segments of the path: the path itself or one of its directories.
    private static bool MatchesPrefix(string[] pattern, int p, string[] path, int s)
    {
        if (p == pattern.Length)
        {
            return s == path.Length || s > 0;
        }

        if (pattern[p] == "**")
        {
            for (var skip = s; skip <= path.Length; skip++)
            {
                if (MatchesPrefix(pattern, p + 1, path, skip))
                {
                    return true;
                }
            }

            return false;
        }

        return s < path.Length && Glob(pattern[p], path[s]) && MatchesPrefix(pattern, p + 1, path, s + 1);
    }

    private static bool Glob(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
