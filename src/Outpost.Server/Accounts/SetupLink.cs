namespace Outpost.Server.Accounts;

/// <summary>
/// The first-run setup token, when setup is still to be done. The serve command prints it to the console; it is
/// deliberately not written to the log, which may be kept or shipped elsewhere.
/// </summary>
public sealed class SetupLink
{
    /// <summary>The token of the current setup link, or null when the admin account is already set up.</summary>
    public string? Token { get; internal set; }

    /// <summary>The full link for a server reached at <paramref name="baseUrl"/>.</summary>
    public string? UrlFor(string baseUrl) => Token is null ? null : $"{baseUrl.TrimEnd('/')}/setup/{Token}";
}
