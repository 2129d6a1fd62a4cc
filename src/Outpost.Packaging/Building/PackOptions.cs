namespace Outpost.Packaging;

/// <summary>
/// The pack-time section of outpost.json (the recipe): what to add from the host and from npm, and what to leave out
/// of the app folder.
/// </summary>
internal sealed record PackOptions(IReadOnlyList<string> HostFiles, ExcludeMatcher Exclude, NpmSource? Npm = null);
