using Microsoft.Extensions.Logging;
using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// Compiled modules on disk, one file per (module sha256, engine fingerprint), so a restarted server maps a
/// module's native code instead of compiling it again (milliseconds instead of tens or hundreds).
/// </summary>
internal sealed class ModuleCache
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _directory;
    private readonly string _fingerprint;
    private readonly ILogger _logger;

    public ModuleCache(string directory, string fingerprint, ILogger logger)
    {
        _directory = Path.GetFullPath(directory);
        _fingerprint = fingerprint;
        _logger = logger;

        // Deserialising runs the file's native code unchecked: nobody but this process's user may write here.
        Directory.CreateDirectory(_directory, OwnerOnly);
        foreach (var leftover in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            TryDelete(leftover);
        }
    }

    public string PathFor(string sha256) => Path.Combine(_directory, $"{sha256}-{_fingerprint}.cwasm");

    /// <summary>The cached module, or null when there is none or it cannot be used (it is then deleted).</summary>
    public Module? TryLoad(Engine engine, string sha256, string name)
    {
        var path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return Module.DeserializeFile(engine, name, path);
        }
        catch (WasmtimeException e)
        {
            _logger.CacheEntryRejected(path, WasmtimeMessages.Summary(e.Message));
            TryDelete(path);
            return null;
        }
    }

    /// <summary>Writes the compiled module; a failure only costs a compilation after the next restart.</summary>
    public void Store(string sha256, Module module)
    {
        var path = PathFor(sha256);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, module.Serialize());

            // Rename is atomic: a reader sees the old file, no file, or the whole new one, never half of it.
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmtimeException)
        {
            _logger.CacheWriteFailed(path, e.Message);
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's cleanup, or overwritten by the next successful write.
        }
    }
}
