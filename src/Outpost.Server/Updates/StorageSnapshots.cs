using System.Diagnostics;

namespace Outpost.Server.Updates;

/// <summary>
/// Raw copies of a stopped grain's storage directory. <c>cp -a</c> keeps what a managed copy would lose: owners (a
/// grain's files belong to its own host uid), modes, symlinks as links, timestamps. The copy is of the bytes on
/// disk, so it is right whether or not the storage is encrypted at rest.
/// </summary>
internal static class StorageSnapshots
{
    /// <summary>Replaces <paramref name="target"/> with a copy of <paramref name="source"/>.</summary>
    public static async Task CopyAsync(string source, string target, CancellationToken ct)
    {
        // Copy beside the target first, then swap, so a failed copy never leaves half a snapshot (or half a grain).
        var partial = target + ".partial";
        DeleteIfExists(partial);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var process = Process.Start(new ProcessStartInfo("cp", ["-a", "--", source, partial]) { RedirectStandardError = true })
            ?? throw new IOException("cannot run cp");
        var error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            DeleteIfExists(partial);
            throw new IOException($"copying {source} to {target} failed: {error.Trim()}");
        }

        DeleteIfExists(target);
        Directory.Move(partial, target);
    }

    public static void DeleteIfExists(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
