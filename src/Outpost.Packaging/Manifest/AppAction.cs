namespace Outpost.Packaging;

/// <summary>A way to create a new grain of the app, offered in the "new" menu.</summary>
public sealed record AppAction
{
    /// <summary>Stable identifier, passed to the app when it creates the grain.</summary>
    public required string Id { get; init; }

    /// <summary>Menu text, e.g. "New spreadsheet".</summary>
    public required string Title { get; init; }

    /// <summary>What one grain is called, e.g. "spreadsheet"; used in sentences such as "Share this spreadsheet".</summary>
    public string? NounPhrase { get; init; }
}
