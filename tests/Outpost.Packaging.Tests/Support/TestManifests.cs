namespace Outpost.Packaging.Tests;

/// <summary>Manifests shared by tests.</summary>
internal static class TestManifests
{
    /// <summary>A minimal valid native manifest whose command is /app/run.</summary>
    public const string Minimal = """
        {
          "title": "Test App",
          "version": 1,
          "marketingVersion": "1.0.0",
          "actions": [ { "id": "new", "title": "New thing" } ],
          "command": { "path": "/app/run" },
          "port": 8000
        }
        """;

    public static byte[] MinimalBytes => System.Text.Encoding.UTF8.GetBytes(Minimal);

    /// <summary>A manifest using every field.</summary>
    public const string Full = """
        {
          "manifestVersion": 1,
          "title": "Notes",
          "version": 7,
          "marketingVersion": "2.1.0",
          "actions": [ { "id": "new-note", "title": "New note", "nounPhrase": "note" } ],
          "permissions": [
            { "id": "read", "title": "read" },
            { "id": "write", "title": "write", "description": "Change the note" }
          ],
          "roles": [
            { "id": "viewer", "title": "can view", "permissions": [ "read" ] },
            { "id": "editor", "title": "can edit", "permissions": [ "read", "write" ], "default": true }
          ],
          "sandbox": "native",
          "command": { "path": "/usr/bin/node", "args": [ "/app/server.js" ], "env": { "NODE_ENV": "production" } },
          "port": 8080,
          "metadata": {
            "description": "Take notes.",
            "author": "Ada",
            "license": "MIT",
            "sourceUrl": "https://example.org/notes",
            "icon": "/app/icon.svg"
          }
        }
        """;
}
