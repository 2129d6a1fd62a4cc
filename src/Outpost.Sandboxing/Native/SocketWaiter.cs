namespace Outpost.Sandboxing.Native;

/// <summary>Waits for the bridge's socket to appear, which the bridge makes happen only once the app accepts connections.</summary>
internal static class SocketWaiter
{
    // inotify wakes us at once; the poll only covers watcher failures (inotify limits) and is cheap.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task WaitAsync(string socketPath, CancellationToken ct)
    {
        var appeared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = TryWatch(socketPath, appeared);
        while (!File.Exists(socketPath))
        {
            await Task.WhenAny(appeared.Task, Task.Delay(Poll, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    private static FileSystemWatcher? TryWatch(string socketPath, TaskCompletionSource appeared)
    {
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(socketPath)!, Path.GetFileName(socketPath));
            watcher.Created += (_, _) => appeared.TrySetResult();
            watcher.Renamed += (_, _) => appeared.TrySetResult();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
