using System.ComponentModel.DataAnnotations;

namespace Outpost.Server.Hosting;

/// <summary>Server settings, bound from the <c>Outpost</c> configuration section (env <c>OUTPOST__KEY</c>, or command-line flags).</summary>
public sealed class OutpostOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Outpost";

    /// <summary>Where Outpost keeps its database, packages and grain storage. Default: <c>/var/lib/outpost</c> as root, else <c>~/.local/share/outpost</c>.</summary>
    [Required]
    public string DataDir { get; set; } = DefaultDataDir();

    /// <summary>The address the server listens on. Default <c>http://localhost:6080</c>.</summary>
    [Required]
    public string Listen { get; set; } = "http://localhost:6080";

    /// <summary>Session hosts are <c>&lt;random&gt;.&lt;BaseDomain&gt;</c>. Default <c>localhost</c>, which browsers resolve to loopback for every subdomain.</summary>
    [Required]
    [RegularExpression(@"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", ErrorMessage = "BaseDomain must be a lowercase host name such as 'localhost' or 'apps.example.org'.")]
    public string BaseDomain { get; set; } = "localhost";

    /// <summary>
    /// The public URL of the shell (scheme, host and port people use), e.g. <c>https://outpost.example.org</c>.
    /// Empty (default): taken from each request, which is right when people reach the server directly.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>How long a session link's one-time ticket stays valid before it is first used. Default 10 minutes.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a session (one browser's view of one grain) lasts after it was opened. Default 7 days.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether people may create accounts without an invitation. Default false.</summary>
    public bool OpenSignup { get; set; }

    /// <summary>How many days access log entries are kept before the daily clean-up deletes them.</summary>
    public int AccessLogRetentionDays { get; set; } = 365;

    /// <summary>
    /// How often a browser's sign-in is checked against its account, so that signing out everywhere, a password
    /// change or a disabled account ends it. Default 1 minute; zero checks on every request.
    /// </summary>
    public TimeSpan SignInCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Returns the default data directory for the current user.</summary>
    public static string DefaultDataDir() =>
        Environment.IsPrivilegedProcess
            ? "/var/lib/outpost"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "outpost");
}
