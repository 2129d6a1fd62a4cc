namespace Outpost.Server.Hosting;

/// <summary>
/// Work that runs at start and then every <paramref name="interval"/> until the server stops. A round that fails
/// (database busy, disk full) is logged and the next one runs as planned: one bad round must neither end the
/// schedule nor, as an exception escaping a background service would, stop the server.
/// </summary>
internal abstract partial class PeriodicService(TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The clock the schedule runs on; subclasses read "now" from it too.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The subclass's logger, for its own messages too.</summary>
    protected ILogger Logger { get; } = logger;

    /// <summary>Does one round of work now; returns how many things it removed or changed.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(Logger, GetType().Name, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Service}: a round failed; the next one runs as scheduled")]
    private static partial void LogRoundFailed(ILogger logger, string service, Exception exception);
}
