using System.Globalization;

namespace Outpost.SystemBench;

/// <summary>Resident memory of the server process with many installed grains, none of them running.</summary>
internal static class IdleMemory
{
    public static async Task<(long Before, long After)> MeasureAsync(Scenario scenario, int grains)
    {
        var before = ResidentBytes(scenario.ServerPid);
        var ids = new List<string>();
        for (var i = 0; i < grains; i++)
        {
            ids.Add(await scenario.NewGrainAsync());
        }

        // Nothing running: stop whatever earlier scenarios left running, then let the server settle.
        foreach (var id in ids)
        {
            await scenario.StopGrainAsync(id);
        }

        using var list = await scenario.Api.GetAsync("api/grains");
        list.EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(5));
        return (before, ResidentBytes(scenario.ServerPid));
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kib * 1024;
    }
}
