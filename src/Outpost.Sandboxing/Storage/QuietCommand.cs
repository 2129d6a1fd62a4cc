using System.Diagnostics;

namespace Outpost.Sandboxing.Storage;

/// <summary>Runs a small system tool (stat, mount, fusermount3) whose output nobody reads, and reports how it ended.</summary>
internal static class QuietCommand
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/>; returns its exit code, or null when it was still
    /// running after <paramref name="timeout"/> and was killed.
    /// </summary>
    public static async Task<int?> RunAsync(string program, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;

        // Drained, so a chatty tool can never block on a full pipe.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            return null;
        }

        await Task.WhenAll(output, errors);
        return process.ExitCode;
    }
}
