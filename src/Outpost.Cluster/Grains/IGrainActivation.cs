namespace Outpost.Cluster.Grains;

/// <summary>
/// The running side of one Outpost grain: one Orleans activation per running grain (key: grain id). It starts the
/// grain's sandbox when first asked for an endpoint and stops it when nobody has used it for the idle timeout.
/// </summary>
[Alias("Outpost.Cluster.IGrainActivation")]
public interface IGrainActivation : IGrainWithStringKey
{
    /// <summary>Starts the sandbox if it is not running, records activity, and returns where to reach the app.</summary>
    [Alias("EnsureStarted")]
    Task<GrainEndpoint> EnsureStarted();

    /// <summary>Stops the sandbox (if running) and lets the activation go.</summary>
    [Alias("Stop")]
    Task Stop();
}

/// <summary>Where a running grain's app answers HTTP: a unix socket on the node that hosts the activation.</summary>
[GenerateSerializer]
[Alias("Outpost.Cluster.GrainEndpoint")]
public sealed record GrainEndpoint
{
    /// <summary>Host path of the unix socket the in-sandbox bridge listens on.</summary>
    [Id(0)]
    public required string SocketPath { get; init; }

    /// <summary>When this sandbox instance started; changes on every restart.</summary>
    [Id(1)]
    public DateTimeOffset StartedAt { get; init; }
}
