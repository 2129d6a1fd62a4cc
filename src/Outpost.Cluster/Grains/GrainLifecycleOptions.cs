namespace Outpost.Cluster.Grains;

/// <summary>When running grains are stopped. Bound from <c>Outpost:Grains</c>.</summary>
public sealed class GrainLifecycleOptions
{
    /// <summary>A grain that gets no request for this long is stopped; the next request starts it again. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
