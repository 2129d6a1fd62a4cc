using System.Text.Json.Nodes;

namespace Outpost.Packaging.Tests;

/// <summary>Writes pack folders: an outpost.json plus files.</summary>
internal static class PackFolder
{
    /// <summary>Creates <paramref name="directory"/> with outpost.json and an executable "run" script.</summary>
    public static string Create(string directory, JsonObject? pack = null, Action<JsonObject>? editManifest = null)
    {
        Directory.CreateDirectory(directory);
        var manifest = JsonNode.Parse(TestManifests.Minimal)!.AsObject();
        editManifest?.Invoke(manifest);
        if (pack is not null)
        {
            manifest["pack"] = pack;
        }

        File.WriteAllText(Path.Combine(directory, "outpost.json"), manifest.ToJsonString());
        WriteFile(directory, "run", "#!/bin/sh\necho hi\n", executable: true);
        return directory;
    }

    public static string WriteFile(string directory, string relative, string content, bool executable = false)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, executable ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4);
        return path;
    }

    public static JsonObject Pack(string[]? hostFiles = null, string[]? exclude = null)
    {
        var pack = new JsonObject();
        if (hostFiles is not null)
        {
            pack["hostFiles"] = new JsonArray([.. hostFiles.Select(h => (JsonNode)h)]);
        }

        if (exclude is not null)
        {
            pack["exclude"] = new JsonArray([.. exclude.Select(h => (JsonNode)h)]);
        }

        return pack;
    }
}
