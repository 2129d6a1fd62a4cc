using System.Text.RegularExpressions;

namespace Outpost.Packaging;

/// <summary>
/// The "npm" part of a recipe: one package from the npm registry at an exact version, installed with its production
/// dependencies and placed at <see cref="Location"/> in the package (so <c>/opt/tiddlywiki/node_modules/tiddlywiki</c>).
/// </summary>
internal sealed partial record NpmSource(string Package, string Version, string? LockFile)
{
    private static readonly string[] _fields = ["package", "version", "lock"];

    /// <summary>The directory holding the installed node_modules inside the package: <c>/opt/&lt;package&gt;</c>.</summary>
    public string Location => "/opt/" + Package;

    /// <summary>Reads and checks <c>pack.npm</c>; null when the recipe has none.</summary>
    public static NpmSource? Read(JsonFields pack)
    {
        var fields = pack.OptionalObject("npm", _fields);
        if (fields is null)
        {
            return null;
        }

        var package = fields.RequiredString("package");
        if (package.Length > 214 || !PackageName().IsMatch(package))
        {
            throw JsonFields.Error("pack.npm.package",
                "must be an npm package name: lowercase letters, digits, '-', '.', '_' and '~', optionally '@scope/' first, such as \"tiddlywiki\" or \"@scope/app\"");
        }

        var version = fields.RequiredString("version");
        if (version.Length > 64 || !ExactVersion().IsMatch(version))
        {
            throw JsonFields.Error("pack.npm.version",
                $"must be one exact version such as \"5.3.8\", not a range or tag ('{Shorten(version)}'); list them with: npm view {package} versions");
        }

        var lockFile = fields.OptionalString("lock");
        if (lockFile is not null && ExcludeMatcher.CheckPattern(lockFile) is { } problem)
        {
            throw JsonFields.Error("pack.npm.lock", $"{problem}: name a file in the app folder, such as \"package-lock.json\"");
        }

        if (lockFile is not null && (lockFile.Contains('*') || lockFile.Contains('?') || lockFile.Contains('\\') || lockFile.Any(char.IsControl)))
        {
            throw JsonFields.Error("pack.npm.lock", "must be a plain file name in the app folder, without wildcards, backslashes or control characters");
        }

        return new NpmSource(package, version, lockFile);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    // npm's own rules for new package names: lowercase, URL-safe, not starting with '.' or '_', one optional scope.
    [GeneratedRegex(@"^(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PackageName();

    // Semantic versioning 2.0, exactly one version: no ranges (^1.2), tags (latest), URLs or git references.
    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ExactVersion();
}
