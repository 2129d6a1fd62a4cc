using Outpost.Sandboxing;

namespace Outpost.Cluster.Grains;

/// <summary>Turns a grain id into everything its sandbox needs (package, storage, command, limits). Implemented by the server, which owns the metadata.</summary>
public interface IGrainLauncher
{
    /// <summary>Builds the sandbox spec for a grain; throws <see cref="GrainNotFoundException"/> when the grain or its app is gone.</summary>
    Task<SandboxSpec> PrepareAsync(string grainId, CancellationToken cancellationToken);

    /// <summary>
    /// The sandbox built from the last <see cref="PrepareAsync"/> did not become ready. When that start was a move to
    /// a new app version, the grain is rolled back (old version, storage from before the move) and the spec to start
    /// instead is returned; otherwise null.
    /// </summary>
    Task<SandboxSpec?> StartFailedAsync(string grainId, string reason, CancellationToken cancellationToken);

    /// <summary>The sandbox built from the last <see cref="PrepareAsync"/> is ready: a move to a new version is final.</summary>
    Task StartedAsync(string grainId, CancellationToken cancellationToken);
    /// <summary>Called once the sandbox of a prepared spec has fully exited (or failed to start): releases what preparing took, such as the storage's plaintext view.</summary>
    Task ReleaseAsync(string grainId);
}

/// <summary>The grain (or the app it needs) does not exist.</summary>
[GenerateSerializer]
[Alias("Outpost.Cluster.GrainNotFoundException")]
public sealed class GrainNotFoundException(string message) : Exception(message);
