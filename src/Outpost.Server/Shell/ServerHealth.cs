using System.Diagnostics;
using System.Reflection;
using Outpost.Cluster.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Shell;

/// <summary>What the admin overview shows about the server process itself.</summary>
internal sealed record ServerHealth
{
    public required string Version { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Uptime { get; init; }

    public required int RunningGrains { get; init; }

    /// <summary>Resident memory of the server process (its grains' sandboxes are separate processes).</summary>
    public required long MemoryBytes { get; init; }

    public required string DataDir { get; init; }

    /// <summary>Free and total space of the file system holding the data directory; null when it cannot be read.</summary>
    public long? DataFreeBytes { get; init; }

    public long? DataTotalBytes { get; init; }

    public static ServerHealth Read(DataPaths paths, RunningGrains running, TimeProvider time)
    {
        using var process = Process.GetCurrentProcess();
        var started = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        long? free = null, total = null;
        try
        {
            var drive = new DriveInfo(paths.Root);
            free = drive.AvailableFreeSpace;
            total = drive.TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // An unusual mount: show the rest of the page rather than fail it.
        }

        var version = typeof(ServerHealth).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ServerHealth).Assembly.GetName().Version?.ToString() ?? "unknown";
        return new ServerHealth
        {
            Version = version,
            StartedAt = started,
            Uptime = time.GetUtcNow() - started,
            RunningGrains = running.Ids.Count,
            MemoryBytes = process.WorkingSet64,
            DataDir = paths.Root,
            DataFreeBytes = free,
            DataTotalBytes = total,
        };
    }
}
