using Outpost.Data.Apps;
using Outpost.Data.Grains;

namespace Outpost.Server.Updates;

/// <summary>Which app version a grain should run on its next start.</summary>
internal static class GrainVersions
{
    /// <summary>
    /// The pinned version if the app is pinned, else the newest installed one; but never lower than what the grain
    /// runs (its data may already be in a newer format) and never a version that already failed to start for it.
    /// </summary>
    public static int Target(InstalledApp app, GrainRecord grain)
    {
        var wanted = app.PinnedVersion ?? app.Version;
        return wanted > grain.AppVersion && wanted != grain.RefusedVersion ? wanted : grain.AppVersion;
    }
}
