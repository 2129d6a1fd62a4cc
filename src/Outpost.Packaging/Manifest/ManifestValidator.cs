using System.Text.RegularExpressions;

namespace Outpost.Packaging;

/// <summary>
/// The value rules of a manifest. Applied when parsing and when serializing, so a package can only ever carry a
/// manifest that every Outpost accepts. Limits are generous for real apps and keep hostile manifests small and inert.
/// </summary>
internal static partial class ManifestValidator
{
    public const int MaxTitleLength = 100;
    public const int MaxMarketingVersionLength = 32;
    public const int MaxListCount = 100;
    public const int MaxArgs = 256;
    public const int MaxEnv = 256;
    public const int MaxValueLength = 4096;
    public const int MaxDescriptionLength = 4000;
    public const int MaxPathLength = 1024;

    /// <summary>Validates <paramref name="manifest"/>; throws a <see cref="PackageException"/> naming the first bad field.</summary>
    public static void Validate(AppManifest manifest)
    {
        if (manifest.ManifestVersion != ManifestJsonReader.SupportedManifestVersion)
        {
            throw JsonFields.Error("manifestVersion", $"must be {ManifestJsonReader.SupportedManifestVersion}");
        }

        Line("title", manifest.Title, MaxTitleLength);
        if (manifest.Version < 1)
        {
            throw JsonFields.Error("version", "must be an integer >= 1");
        }

        Line("marketingVersion", manifest.MarketingVersion, MaxMarketingVersionLength);
        ValidateActions(manifest.Actions);
        var permissionIds = ValidatePermissions(manifest.Permissions);
        ValidateRoles(manifest.Roles, permissionIds);
        if (!Enum.IsDefined(manifest.Sandbox))
        {
            throw JsonFields.Error("sandbox", "must be \"native\" or \"wasm\"");
        }

        ValidateCommand(manifest.Command);
        ValidatePort(manifest);
        if (manifest.MemoryMiB != 0 && manifest.MemoryMiB is < 16 or > 65536)
        {
            throw JsonFields.Error("memoryMiB", $"must be {ManifestJsonReader.MemoryExpectation}: the memory the app asks for per grain");
        }
        ValidateMetadata(manifest.Metadata ?? new AppMetadata());
    }

    private static void ValidateActions(IReadOnlyList<AppAction>? actions)
    {
        if (actions is null || actions.Count == 0)
        {
            throw JsonFields.Error("actions", "must list at least one action (a way to create a grain)");
        }

        Count("actions", actions.Count, MaxListCount);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var path = $"actions[{i}]";
            Id($"{path}.id", actions[i].Id, ids);
            Line($"{path}.title", actions[i].Title, MaxTitleLength);
            OptionalLine($"{path}.nounPhrase", actions[i].NounPhrase, MaxTitleLength);
        }
    }

    private static HashSet<string> ValidatePermissions(IReadOnlyList<AppPermission>? permissions)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        permissions ??= [];
        Count("permissions", permissions.Count, MaxListCount);
        for (var i = 0; i < permissions.Count; i++)
        {
            var path = $"permissions[{i}]";
            Id($"{path}.id", permissions[i].Id, ids);
            Line($"{path}.title", permissions[i].Title, MaxTitleLength);
            OptionalText($"{path}.description", permissions[i].Description, MaxDescriptionLength);
        }

        return ids;
    }

    private static void ValidateRoles(IReadOnlyList<AppRole>? roles, HashSet<string> permissionIds)
    {
        roles ??= [];
        Count("roles", roles.Count, MaxListCount);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var defaults = 0;
        for (var i = 0; i < roles.Count; i++)
        {
            var path = $"roles[{i}]";
            Id($"{path}.id", roles[i].Id, ids);
            Line($"{path}.title", roles[i].Title, MaxTitleLength);
            var granted = new HashSet<string>(StringComparer.Ordinal);
            var rolePermissions = roles[i].Permissions ?? [];
            for (var j = 0; j < rolePermissions.Count; j++)
            {
                var permission = rolePermissions[j];
                if (permission is null || !permissionIds.Contains(permission))
                {
                    throw JsonFields.Error($"{path}.permissions[{j}]", $"names permission '{permission}', which 'permissions' does not declare");
                }

                if (!granted.Add(permission))
                {
                    throw JsonFields.Error($"{path}.permissions[{j}]", $"lists '{permission}' twice");
                }
            }

            if (roles[i].Default && ++defaults > 1)
            {
                throw JsonFields.Error($"{path}.default", "is true for a second role; at most one role can be the default");
            }
        }
    }

    private static void ValidateCommand(AppCommand? command)
    {
        if (command is null)
        {
            throw JsonFields.Error("command", "is required");
        }

        FilePath("command.path", command.Path);
        var args = command.Args ?? [];
        Count("command.args", args.Count, MaxArgs);
        for (var i = 0; i < args.Count; i++)
        {
            Value($"command.args[{i}]", args[i]);
        }

        var env = command.Env ?? new Dictionary<string, string>();
        Count("command.env", env.Count, MaxEnv);
        foreach (var (name, value) in env)
        {
            if (!EnvName().IsMatch(name))
            {
                throw JsonFields.Error($"command.env.{name}", "is not a valid variable name (letters, digits and '_', not starting with a digit)");
            }

            Value($"command.env.{name}", value);
        }
    }

    private static void ValidatePort(AppManifest manifest)
    {
        if (manifest.Sandbox == SandboxKind.Native && manifest.Port is < 1 or > 65535)
        {
            throw JsonFields.Error("port", "must be an integer from 1 to 65535: the TCP port a native app listens on");
        }

        if (manifest.Sandbox == SandboxKind.Wasm && manifest.Port != 0)
        {
            throw JsonFields.Error("port", "must be left out for wasm apps, which are called per request and listen on no port");
        }
    }

    private static void ValidateMetadata(AppMetadata metadata)
    {
        OptionalText("metadata.description", metadata.Description, MaxDescriptionLength);
        OptionalLine("metadata.author", metadata.Author, MaxTitleLength * 2);
        OptionalLine("metadata.license", metadata.License, MaxTitleLength);
        if (metadata.SourceUrl is { } url)
        {
            OptionalLine("metadata.sourceUrl", url, 2048);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw JsonFields.Error("metadata.sourceUrl", "must be an absolute http or https URL");
            }
        }

        if (metadata.Icon is { } icon)
        {
            FilePath("metadata.icon", icon);
            if (!icon.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) && !icon.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw JsonFields.Error("metadata.icon", "must name an .svg or .png file");
            }
        }
    }

    private static void FilePath(string field, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw JsonFields.Error(field, "is required");
        }

        if (path.Length > MaxPathLength)
        {
            throw JsonFields.Error(field, $"is longer than {MaxPathLength} characters");
        }

        if (PackagePath.CheckAbsolute(path) is { } problem)
        {
            throw JsonFields.Error(field, $"{problem} (a normalised absolute path inside the package, such as \"/app/server.js\")");
        }

        if (path == "/")
        {
            throw JsonFields.Error(field, "must name a file, not '/'");
        }
    }

    private static void Id(string field, string? id, HashSet<string> seen)
    {
        if (id is null || !IdPattern().IsMatch(id))
        {
            throw JsonFields.Error(field, "must be 1-64 characters of a-z, 0-9 and '-', starting with a letter");
        }

        if (!seen.Add(id))
        {
            throw JsonFields.Error(field, $"repeats the id '{id}'");
        }
    }

    private static void Line(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw JsonFields.Error(field, "is required and must not be blank");
        }

        OptionalLine(field, value, maxLength);
    }

    private static void OptionalLine(string field, string? value, int maxLength)
    {
        OptionalText(field, value, maxLength);
        if (value is not null && value.Any(char.IsControl))
        {
            throw JsonFields.Error(field, "must be a single line without control characters");
        }
    }

    private static void OptionalText(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            throw JsonFields.Error(field, $"is longer than {maxLength} characters");
        }

        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            throw JsonFields.Error(field, "contains control characters");
        }
    }

    private static void Value(string field, string? value)
    {
        if (value is null)
        {
            throw JsonFields.Error(field, "must be a string");
        }

        // Arguments and environment values end up in execve(2), where a NUL silently truncates.
        if (value.Contains('\0'))
        {
            throw JsonFields.Error(field, "contains a NUL character");
        }

        if (value.Length > MaxValueLength)
        {
            throw JsonFields.Error(field, $"is longer than {MaxValueLength} characters");
        }
    }

    private static void Count(string field, int count, int max)
    {
        if (count > max)
        {
            throw JsonFields.Error(field, $"has {count} items; at most {max} are allowed");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
