using System.Diagnostics;
using System.Globalization;

namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>The cgroup(s) of one sandbox: limits at creation, usage, and kill-then-remove at the end.</summary>
internal abstract class SandboxCgroup
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    protected SandboxCgroup(IReadOnlyList<string> directories)
    {
        Directories = directories;
    }

    /// <summary>"v1" or "v2", for logs.</summary>
    public abstract string Version { get; }

    /// <summary>The sandbox's cgroup directories (one per v1 hierarchy, or the single v2 one).</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>The cgroup.procs files the launcher writes its own pid to before it runs the sandbox.</summary>
    public IEnumerable<string> ProcsFiles => Directories.Select(d => Path.Combine(d, "cgroup.procs"));

    /// <summary>Memory and CPU time charged to the sandbox so far.</summary>
    public abstract SandboxUsage ReadUsage();

    /// <summary>How many processes the kernel's OOM killer killed in this cgroup.</summary>
    public abstract long ReadOomKills();

    /// <summary>Host pids of every process in the sandbox.</summary>
    public IReadOnlyList<int> ReadProcesses()
    {
        var pids = new HashSet<int>();
        foreach (var file in ProcsFiles)
        {
            foreach (var line in TryReadLines(file))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }

        return [.. pids];
    }

    /// <summary>SIGKILLs every process until the cgroup is empty or the timeout passes; true when empty.</summary>
    public virtual async Task<bool> KillAllAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            // The sandbox keeps no process of its own alive once its pid namespace's init dies, and
            // the pids limit bounds how fast anything can fork meanwhile, so this converges quickly.
            var pids = await SignalAllAsync();
            if (pids == 0)
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Removes the directories (after <see cref="KillAllAsync"/>); an exiting task can keep one busy briefly.</summary>
    public async Task<bool> RemoveAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var directory in Directories.Reverse())
        {
            while (true)
            {
                try
                {
                    if (Directory.Exists(directory))
                    {
                        Directory.Delete(directory);
                    }

                    break;
                }
                catch (IOException) when (Stopwatch.GetElapsedTime(started) < timeout)
                {
                    await Task.Delay(PollInterval);
                }
                catch (IOException)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Sends SIGKILL to each process once; returns how many were found.</summary>
    protected virtual Task<int> SignalAllAsync()
    {
        var pids = ReadProcesses();
        foreach (var pid in pids)
        {
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }

        return Task.FromResult(pids.Count);
    }

    protected static TimeSpan Interval => PollInterval;

    protected static void Write(string directory, string file, string value) =>
        File.WriteAllText(Path.Combine(directory, file), value);

    protected static long ReadLong(string directory, string file)
    {
        var text = TryReadLines(Path.Combine(directory, file)).FirstOrDefault();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>The value of "key N" in a flat-keyed file such as memory.events or cpu.stat.</summary>
    protected static long ReadKey(string directory, string file, string key)
    {
        foreach (var line in TryReadLines(Path.Combine(directory, file)))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key &&
                long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return 0;
    }

    protected static IEnumerable<string> TryReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cgroup is already gone (the sandbox ended): nothing to report.
            return [];
        }
    }

    /// <summary>Creates a fresh directory; a leftover one (from a crash of a previous Outpost) is emptied and replaced.</summary>
    protected static async Task CreateFreshAsync(string directory, CancellationToken ct)
    {
        if (Directory.Exists(directory))
        {
            var stale = new StaleCgroup(directory);
            await stale.KillAllAsync(TimeSpan.FromSeconds(5));
            ct.ThrowIfCancellationRequested();
            await stale.RemoveAsync(TimeSpan.FromSeconds(5));
        }

        Directory.CreateDirectory(directory);
    }

    /// <summary>A leftover cgroup being cleaned up.</summary>
    private sealed class StaleCgroup(string directory) : SandboxCgroup([directory])
    {
        public override string Version => "stale";

        public override SandboxUsage ReadUsage() => new();

        public override long ReadOomKills() => 0;
    }
}
