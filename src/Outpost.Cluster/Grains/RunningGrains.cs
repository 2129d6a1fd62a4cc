using System.Collections.Concurrent;
using Outpost.Sandboxing;

namespace Outpost.Cluster.Grains;

/// <summary>
/// The grains whose sandboxes run on this node, so listings and health pages can show state and resource use
/// without activating a grain just to ask it.
/// </summary>
public sealed class RunningGrains
{
    private readonly ConcurrentDictionary<string, ISandboxProcess> _running = new();

    /// <summary>Ids of the grains running on this node.</summary>
    public ICollection<string> Ids => _running.Keys;

    /// <summary>True when the grain's sandbox runs on this node.</summary>
    public bool IsRunning(string grainId) => _running.ContainsKey(grainId);

    /// <summary>Memory and CPU use of a running grain, or null when it is not running here.</summary>
    public SandboxUsage? UsageOf(string grainId) => _running.TryGetValue(grainId, out var process) ? process.GetUsage() : null;

    internal void Add(string grainId, ISandboxProcess process) => _running[grainId] = process;

    internal void Remove(string grainId, ISandboxProcess process) =>
        _running.TryRemove(new KeyValuePair<string, ISandboxProcess>(grainId, process));
}
