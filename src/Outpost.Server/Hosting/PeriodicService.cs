namespace Outpost.Server.Hosting;

/// <summary>A clean-up that runs at start and then every <paramref name="interval"/> until the server stops.</summary>
internal abstract class PeriodicService(TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>The clock the schedule runs on; subclasses read "now" from it too.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Does one round of work now; returns how many things it removed or changed.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
