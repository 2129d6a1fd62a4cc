namespace Outpost.Packaging;

/// <summary>The pack-time section of outpost.json: what to add from the host and what to leave out of the app folder.</summary>
internal sealed record PackOptions(IReadOnlyList<string> HostFiles, ExcludeMatcher Exclude);
