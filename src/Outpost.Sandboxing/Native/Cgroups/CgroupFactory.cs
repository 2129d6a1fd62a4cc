namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>Creates a sandbox's cgroup on v2 when the unified hierarchy has the controllers, else on v1.</summary>
internal static class CgroupFactory
{
    /// <summary>Creates and limits the cgroup; throws <see cref="CgroupUnavailableException"/> when neither hierarchy can be used.</summary>
    public static async Task<SandboxCgroup> CreateAsync(string parent, string instance, SandboxLimits limits, CancellationToken ct)
    {
        var mounts = CgroupMounts.Discover();
        try
        {
            if (CgroupV2.IsAvailable(mounts))
            {
                return await CgroupV2.CreateAsync(mounts, parent, instance, limits, ct);
            }

            if (CgroupV1.IsAvailable(mounts))
            {
                return await CgroupV1.CreateAsync(mounts, parent, instance, limits, ct);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CgroupUnavailableException($"cannot set up cgroups: {e.Message}", e);
        }

        throw new CgroupUnavailableException("no cgroup hierarchy with the memory, pids and cpu controllers is mounted");
    }
}
