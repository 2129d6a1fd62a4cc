using System.Buffers.Binary;
using System.Diagnostics;

namespace Outpost.Sandboxing.Native;

/// <summary>
/// The files the bridge needs inside the sandbox: itself, the host's dynamic loader and the shared
/// libraries it links (libc, libm). They are bound at <see cref="NativeSandbox.BridgeDirectory"/>
/// and the bridge is started through the loader with <c>--library-path</c>, because the package
/// root may ship a different libc or none at all, and the app must keep using its own.
/// </summary>
internal sealed record BridgeRuntime(string BridgePath, string? LoaderPath, IReadOnlyList<BridgeLibrary> Libraries)
{
    private const string BridgeName = "outpost-bridge";

    /// <summary>The command line, inside the sandbox, that starts the bridge (before its own arguments).</summary>
    public IReadOnlyList<string> Command =>
        LoaderPath is null
            ? [InSandbox(BridgeName)]
            : [InSandbox(Path.GetFileName(LoaderPath)), "--library-path", NativeSandbox.BridgeDirectory, InSandbox(BridgeName)];

    /// <summary>Every host file to bind read-only, with its path inside the sandbox.</summary>
    public IEnumerable<(string HostPath, string SandboxPath)> Binds()
    {
        yield return (BridgePath, InSandbox(BridgeName));
        if (LoaderPath is not null)
        {
            yield return (LoaderPath, InSandbox(Path.GetFileName(LoaderPath)));
        }

        foreach (var library in Libraries)
        {
            yield return (library.HostPath, InSandbox(library.Name));
        }
    }

    /// <summary>Finds the loader (the ELF interpreter) and asks it which libraries the bridge resolves to.</summary>
    public static BridgeRuntime Resolve(string bridgePath)
    {
        bridgePath = Path.GetFullPath(bridgePath);
        if (!File.Exists(bridgePath))
        {
            throw new FileNotFoundException($"the sandbox bridge was not found at {bridgePath} (build src/Outpost.Bridge)", bridgePath);
        }

        var loader = ReadInterpreter(bridgePath);
        if (loader is null)
        {
            // A static bridge needs nothing else.
            return new BridgeRuntime(bridgePath, null, []);
        }

        return new BridgeRuntime(bridgePath, loader, ListLibraries(loader, bridgePath));
    }

    /// <summary>Parses "ld.so --list" output: "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)".</summary>
    internal static IReadOnlyList<BridgeLibrary> ParseList(string output)
    {
        var libraries = new List<BridgeLibrary>();
        foreach (var raw in output.Split('\n'))
        {
            var parts = raw.Trim().Split(" => ", 2);
            if (parts.Length != 2)
            {
                continue;
            }

            var end = parts[1].LastIndexOf(" (", StringComparison.Ordinal);
            var hostPath = end < 0 ? parts[1] : parts[1][..end];
            if (hostPath.StartsWith('/'))
            {
                libraries.Add(new BridgeLibrary(parts[0], hostPath));
            }
        }

        return libraries;
    }

    private static string InSandbox(string name) => NativeSandbox.BridgeDirectory + "/" + name;

    private static IReadOnlyList<BridgeLibrary> ListLibraries(string loader, string bridgePath)
    {
        var info = new ProcessStartInfo(loader) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--list");
        info.ArgumentList.Add(bridgePath);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {loader}");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{loader} --list {bridgePath} failed: {stderr.Result}");
        }

        var libraries = ParseList(output);
        var missing = output.Split('\n').Where(l => l.Contains("not found", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"the sandbox bridge needs libraries the host lacks: {string.Join(", ", missing.Select(l => l.Trim()))}");
        }

        return libraries;
    }

    /// <summary>The PT_INTERP of an x86_64 ELF executable, or null for a static one.</summary>
    private static string? ReadInterpreter(string path)
    {
        var elf = File.ReadAllBytes(path).AsSpan();
        const uint PtInterp = 3;
        if (elf.Length < 64 || !elf[..4].SequenceEqual("\u007fELF"u8) || elf[4] != 2)
        {
            throw new InvalidOperationException($"{path} is not a 64-bit ELF executable");
        }

        var programHeaders = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x20..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x36..]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x38..]);
        for (var i = 0; i < count; i++)
        {
            var header = elf[(programHeaders + (i * entrySize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != PtInterp)
            {
                continue;
            }

            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x08..]);
            var size = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
            return System.Text.Encoding.ASCII.GetString(elf.Slice(offset, size)).TrimEnd('\0');
        }

        return null;
    }
}

/// <summary>A shared library the bridge links: its soname and where the host's loader found it.</summary>
internal sealed record BridgeLibrary(string Name, string HostPath);
