using System.ComponentModel;
using System.Diagnostics;

namespace Outpost.Packaging;

/// <summary>
/// Asks ldd(1) which shared libraries an ELF file loads. ldd reports the whole closure (libraries of libraries) and
/// the dynamic loader, at the paths the loader really uses, which are the paths they must have inside the package.
/// ldd may run the binary's loader, so it is only ever pointed at files the app author chose to pack.
/// </summary>
internal static class Ldd
{
    public static async Task<IReadOnlyList<string>> DependenciesAsync(string elfPath, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ldd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(elfPath);
        // Stable, untranslated messages ("not found", "not a dynamic executable").
        start.Environment["LC_ALL"] = "C";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PackageException("could not start ldd");
        }
        catch (Win32Exception e)
        {
            throw new PackageException("packing hostFiles needs ldd, which is not installed (Debian/Ubuntu: libc-bin)", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return Parse(elfPath, await stdout, await stderr, process.ExitCode);
        }
    }

    /// <summary>Parses ldd output into absolute library paths.</summary>
    internal static IReadOnlyList<string> Parse(string elfPath, string stdout, string stderr, int exitCode)
    {
        if ($"{stdout}\n{stderr}".Contains("not a dynamic executable", StringComparison.Ordinal)
            || stdout.Contains("statically linked", StringComparison.Ordinal))
        {
            return [];
        }

        if (exitCode != 0)
        {
            throw new PackageException($"ldd failed on '{elfPath}': {stderr.Trim()}");
        }

        var libraries = new List<string>();
        foreach (var rawLine in stdout.Split('\n'))
        {
            // Forms: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)",
            // "linux-vdso.so.1 (0x...)" (provided by the kernel, no file) and "libfoo.so.1 => not found".
            var line = rawLine.Trim();
            var arrow = line.IndexOf(" => ", StringComparison.Ordinal);
            var location = arrow >= 0 ? line[(arrow + 4)..] : line;
            if (location.StartsWith("not found", StringComparison.Ordinal))
            {
                throw new PackageException($"'{elfPath}' needs {line[..arrow]}, which ldd cannot find on this machine; install it or add it to hostFiles");
            }

            var paren = location.LastIndexOf(" (", StringComparison.Ordinal);
            var path = paren >= 0 ? location[..paren] : location;
            if (path.StartsWith('/'))
            {
                libraries.Add(Path.GetFullPath(path));
            }
        }

        return libraries;
    }
}
