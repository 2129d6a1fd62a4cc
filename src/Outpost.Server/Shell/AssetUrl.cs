using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Outpost.Server.Shell;

/// <summary>
/// URLs of the shell's static files with a content hash appended, so browsers may cache them for an hour and still
/// pick up a new version at once after an upgrade.
/// </summary>
internal static class AssetUrl
{
    private static readonly ConcurrentDictionary<string, string> Urls = new(StringComparer.Ordinal);

    /// <summary>The URL of <paramref name="file"/> (relative to the assets folder), e.g. <c>/assets/app.css?v=1a2b3c4d</c>.</summary>
    public static string For(string file) => Urls.GetOrAdd(file, static f =>
    {
        var path = Path.Combine(ShellAssets.Root, f);
        if (!File.Exists(path))
        {
            return $"/assets/{f}";
        }

        using var stream = File.OpenRead(path);
        return $"/assets/{f}?v={Convert.ToHexStringLower(SHA256.HashData(stream))[..10]}";
    });
}
