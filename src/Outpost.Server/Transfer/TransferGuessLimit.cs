using System.Threading.RateLimiting;

namespace Outpost.Server.Transfer;

/// <summary>
/// Slows down guessing transfer tokens: an address that presented <see cref="PermitLimit"/> wrong tokens within a
/// minute gets 429 for every transfer request until the minute is over. Right tokens cost nothing, so moving a
/// thousand grains is never throttled.
/// </summary>
internal sealed class TransferGuessLimit : IDisposable
{
    /// <summary>Wrong tokens an address may present per minute.</summary>
    public const int PermitLimit = 20;

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PermitLimit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True while <paramref name="address"/> has used up its wrong tokens for this minute.</summary>
    public bool IsBlocked(string address) => _failures.GetStatistics(address)?.CurrentAvailablePermits <= 0;

    /// <summary>Counts a wrong token from <paramref name="address"/>.</summary>
    public void RecordFailure(string address)
    {
        using var lease = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}
