using System.Collections.Concurrent;
using System.Diagnostics;

namespace Outpost.Sandboxing.Native;

/// <summary>Starts processes from one dedicated, never-ending thread.</summary>
/// <remarks>
/// bwrap's <c>--die-with-parent</c> is PR_SET_PDEATHSIG, which fires when the parent *thread* that
/// forked the process exits, not the parent process. Process.Start forks on the calling thread; from
/// a thread-pool thread, the sandbox would be killed whenever the pool retires that idle thread.
/// </remarks>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessSpawner()
    {
        new Thread(Run) { IsBackground = true, Name = "Outpost sandbox spawner" }.Start();
    }

    /// <summary>Starts the process on the spawner thread.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}
