using Outpost.Sandboxing.Native.Cgroups;

namespace Outpost.Sandboxing.FunctionalTests.Units;

public sealed class CgroupMountsTests
{
    private static readonly string[] MountInfoV1 =
    [
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
    ];

    [Fact]
    public void Parse_V1_PlacesSandboxesBelowOwnCgroupPerController()
    {
        var mounts = CgroupMounts.Parse(MountInfoV1, ["8:pids:/", "4:memory:/outpost.service", "2:cpu,cpuacct:/a b", "0::/"]);

        Assert.Equal("/sys/fs/cgroup/memory/outpost.service", mounts.V1Directories["memory"]);
        Assert.Equal("/sys/fs/cgroup/pids", mounts.V1Directories["pids"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/a b", mounts.V1Directories["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/a b", mounts.V1Directories["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/unified", mounts.V2Directory);
    }

    [Fact]
    public void Parse_V2Only_UsesOwnCgroupInUnifiedHierarchy()
    {
        var mounts = CgroupMounts.Parse(
            ["30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"],
            ["0::/system.slice/outpost.service"]);

        Assert.Empty(mounts.V1Directories);
        Assert.Equal("/sys/fs/cgroup/system.slice/outpost.service", mounts.V2Directory);
    }

    [Fact]
    public void Parse_MountOfSubtree_MapsPathsRelativeToItsRoot()
    {
        var mounts = CgroupMounts.Parse(
            ["30 23 0:26 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"],
            ["4:memory:/docker/abc/inner"]);

        Assert.Equal("/sys/fs/cgroup/memory/inner", mounts.V1Directories["memory"]);
    }
}
