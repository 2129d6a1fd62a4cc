using Microsoft.Extensions.Options;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Server.Encryption;
using Outpost.Server.Grains;
using Outpost.Server.Hosting;

namespace Outpost.Server.Backups;

/// <summary>
/// Stops a grain and holds its storage for a backup alone, so its files cannot change while they are read: a request
/// that arrives meanwhile gets "This grain is being backed up" (503), and the first request after
/// <see cref="ReleaseAsync"/> starts it as usual. Used by grain backups and whole-server backups.
/// </summary>
internal sealed class GrainHolds(GrainManager grains, GrainStorage storage, IOptions<SandboxSettings> settings, TimeProvider time)
{
    /// <summary>How the grain's pages describe it while held ("This grain is being backed up").</summary>
    public const string HoldPurpose = "being backed up";

    // A request may start the grain again between its stop and the hold, or an update hold it; a few rounds settle it.
    private const int HoldAttempts = 5;

    /// <summary>Stops the grain and holds its storage; returns the path of its (mounted) plaintext view.</summary>
    public async Task<string> HoldAsync(GrainRecord grain, CancellationToken ct)
    {
        var hostUid = Environment.IsPrivilegedProcess ? settings.Value.UidBase + grain.Number : (int?)null;
        for (var attempt = 0; attempt < HoldAttempts; attempt++)
        {
            await grains.StopAsync(grain.Id);
            if (await storage.TryHoldAsync(grain.Id, hostUid, HoldPurpose, ct) is { } view)
            {
                return view;
            }

            if (attempt < HoldAttempts - 1)
            {
                // Something else may hold the storage (an update copying it): give it time to finish.
                await Task.Delay(TimeSpan.FromMilliseconds(500 << attempt), time, ct);
            }
        }

        throw new BackupException(storage.HeldBy(grain.Id) is { } heldBy
            ? $"the grain is {heldBy}; try again in a moment"
            : "the grain kept being started while it was stopped for its backup; try again in a moment");
    }

    /// <summary>Ends the hold: the grain may start again.</summary>
    public Task ReleaseAsync(string grainId) => storage.EndHoldAsync(grainId);
}
