namespace Outpost.Sandboxing;

/// <summary>Everything a driver needs to start one grain's sandbox.</summary>
public sealed record SandboxSpec
{
    /// <summary>Grain id, <c>[a-z0-9]{1,64}</c>: names the sandbox's cgroup and its hostname.</summary>
    public required string InstanceName { get; init; }

    /// <summary>Host directory of the installed package, bound read-only at <c>/</c>.</summary>
    public required string PackageRoot { get; init; }

    /// <summary>Host directory of the grain's storage, bound read-write at <c>/var</c>.</summary>
    public required string StorageDir { get; init; }

    /// <summary>Host directory for the bridge socket; the driver creates and empties it.</summary>
    public required string RuntimeDir { get; init; }

    /// <summary>Absolute path, inside the sandbox, of the app's executable.</summary>
    public required string Command { get; init; }

    /// <summary>Arguments passed to <see cref="Command"/>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The app's environment, on top of the sandbox defaults (PATH, HOME=/var, TMPDIR=/tmp).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The TCP port the app listens on, on the sandbox's own 127.0.0.1.</summary>
    public required int Port { get; init; }

    /// <summary>Host path of the grain log that receives the app's stdout and stderr.</summary>
    public required string LogFile { get; init; }

    /// <summary>When set (32 bytes), the grain log is encrypted at rest with this key (see <see cref="BoundedLog"/>).</summary>
    public byte[]? LogKey { get; init; }

    /// <summary>Size at which the grain log is rotated; at most twice this is kept. Default 1 MiB.</summary>
    public long MaxLogBytes { get; init; } = 1024 * 1024;

    /// <summary>Memory, process and CPU limits.</summary>
    public SandboxLimits Limits { get; init; } = new();

    /// <summary>
    /// When Outpost runs as root: the unprivileged host uid (and gid) this sandbox runs as, one per grain.
    /// The driver chowns <see cref="StorageDir"/> and <see cref="RuntimeDir"/> to it. Null runs the sandbox as the current user.
    /// </summary>
    public int? HostUid { get; init; }

    /// <summary>How long the app has to accept connections before the start fails. Default 30 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
