namespace Outpost.Server.FunctionalTests.Infrastructure;

/// <summary>Waits for a condition the system reaches on its own (an idle stop, a restart), bounded in time.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for: {what}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }
}
