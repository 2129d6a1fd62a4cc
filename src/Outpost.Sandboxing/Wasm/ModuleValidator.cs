using Wasmtime;

namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// Refuses, once at load time, modules that could never run as WAGI commands, so an app's first visitor does not
/// meet a link error and the installer reads a message naming every missing import.
/// </summary>
internal static class ModuleValidator
{
    public const string WasiModule = "wasi_snapshot_preview1";

    public static void Validate(Module module, Linker linker, Engine engine, string displayName)
    {
        var problems = new List<string>();

        // The linker is the authority on what exists and with which signature; a throwaway store lets us ask it.
        using (var probe = new Store(engine))
        {
            foreach (var import in module.Imports)
            {
                var problem = Check(import, linker, probe);
                if (problem is not null)
                {
                    problems.Add(problem);
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new WasmLoadException(
                $"'{displayName}' imports what Outpost does not provide: {string.Join("; ", problems)}. "
                + $"A WAGI module may import only WASI preview 1 functions (module '{WasiModule}').");
        }

        if (!module.Exports.Any(e => e is FunctionExport { Name: "_start" }))
        {
            throw new WasmLoadException(
                $"'{displayName}' has no _start function: build it as a WASI command (a program with main), not as a library or reactor.");
        }

        if (!module.Exports.Any(e => e is MemoryExport { Name: "memory" }))
        {
            throw new WasmLoadException($"'{displayName}' exports no memory named 'memory', which WASI needs to pass data in and out.");
        }
    }

    /// <summary>The bytes of linear memory the module asks for before running anything.</summary>
    public static long MinimumMemoryBytes(Module module) =>
        module.Exports.OfType<MemoryExport>().Select(m => m.Minimum * Memory.PageSize).DefaultIfEmpty(0).Max();

    private static string? Check(Import import, Linker linker, Store probe)
    {
        var name = $"{import.ModuleName}.{import.Name}";
        if (import is not FunctionImport wanted)
        {
            return $"{name} is a {KindOf(import)}, and only functions can be imported";
        }

        var provided = import.ModuleName == WasiModule ? linker.GetFunction(probe, import.ModuleName, import.Name) : null;
        if (provided is null)
        {
            return $"{name} does not exist";
        }

        if (!provided.Parameters.SequenceEqual(wanted.Parameters) || !provided.Results.SequenceEqual(wanted.Results))
        {
            return $"{name} is imported as {Signature(wanted.Parameters, wanted.Results)} but is {Signature(provided.Parameters, provided.Results)}";
        }

        return null;
    }

    private static string KindOf(Import import) => import switch
    {
        MemoryImport => "memory",
        TableImport => "table",
        GlobalImport => "global",
        _ => import.GetType().Name.Replace("Import", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    private static string Signature(IReadOnlyList<ValueKind> parameters, IReadOnlyList<ValueKind> results) =>
        $"({string.Join(", ", parameters)}) -> ({string.Join(", ", results)})";
}
