namespace Outpost.Packaging;

/// <summary>Reads a pack folder's outpost.json: the manifest plus the optional "pack" section.</summary>
internal static class PackSource
{
    public const string ManifestFile = "outpost.json";

    private const int MaxBytes = 256 * 1024;
    private static readonly string[] _packFields = ["hostFiles", "exclude", "npm"];

    public static (AppManifest Manifest, PackOptions Options) Read(string sourceDir)
    {
        var path = Path.Combine(sourceDir, ManifestFile);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PackageException($"'{sourceDir}' has no {ManifestFile}; a pack folder needs one holding the app's manifest (see docs/manifest.md)", e);
        }

        if (json.Length > MaxBytes)
        {
            throw new PackageException($"{ManifestFile} is {json.Length} bytes; the limit is {MaxBytes}");
        }

        using var document = Manifest.ParseDocument(json, lenient: true);
        var manifest = ManifestJsonReader.Read(document.RootElement, allowPackSection: true);
        ManifestValidator.Validate(manifest);
        return (manifest, ReadOptions(document.RootElement));
    }

    private static PackOptions ReadOptions(System.Text.Json.JsonElement root)
    {
        if (!root.TryGetProperty(ManifestJsonReader.PackSection, out var element))
        {
            return new PackOptions([], new ExcludeMatcher([]));
        }

        var fields = JsonFields.Open(element, ManifestJsonReader.PackSection, _packFields);
        var hostFiles = fields.StringArray("hostFiles");
        for (var i = 0; i < hostFiles.Count; i++)
        {
            var field = $"pack.hostFiles[{i}]";
            if (PackagePath.CheckAbsolute(hostFiles[i]) is { } problem)
            {
                throw JsonFields.Error(field, $"{problem} (an absolute path on this machine, such as \"/usr/bin/node\")");
            }

            if (hostFiles[i] == "/" || hostFiles[i] == AppFolder.Location || hostFiles[i].StartsWith(AppFolder.Location + "/", StringComparison.Ordinal))
            {
                throw JsonFields.Error(field, $"cannot be '/' or inside {AppFolder.Location}, which holds the pack folder");
            }
        }

        var exclude = fields.StringArray("exclude");
        for (var i = 0; i < exclude.Count; i++)
        {
            if (ExcludeMatcher.CheckPattern(exclude[i]) is { } problem)
            {
                throw JsonFields.Error($"pack.exclude[{i}]", problem);
            }
        }

        return new PackOptions(hostFiles, new ExcludeMatcher(exclude), NpmSource.Read(fields));
    }
}
