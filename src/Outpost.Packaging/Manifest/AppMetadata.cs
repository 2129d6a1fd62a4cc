namespace Outpost.Packaging;

/// <summary>Descriptive information shown in app listings. Every field is optional.</summary>
public sealed record AppMetadata
{
    /// <summary>A paragraph or two on what the app does.</summary>
    public string? Description { get; init; }

    /// <summary>Who made or packaged the app.</summary>
    public string? Author { get; init; }

    /// <summary>License of the app, preferably an SPDX identifier such as "MIT".</summary>
    public string? License { get; init; }

    /// <summary>http(s) URL of the app's source code.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>Absolute path of an .svg or .png icon inside the package.</summary>
    public string? Icon { get; init; }
}
