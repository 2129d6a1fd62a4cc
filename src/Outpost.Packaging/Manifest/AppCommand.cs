namespace Outpost.Packaging;

/// <summary>The program a sandbox starts for a grain.</summary>
public sealed record AppCommand
{
    /// <summary>Absolute path of the executable (native) or module (wasm) inside the package, e.g. "/usr/bin/node".</summary>
    public required string Path { get; init; }

    /// <summary>Arguments after the program name.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Environment variables set for the program, in addition to those the platform sets.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
}
