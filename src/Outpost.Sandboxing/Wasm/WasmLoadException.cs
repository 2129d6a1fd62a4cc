namespace Outpost.Sandboxing.Wasm;

/// <summary>
/// A module that can never run: not valid WebAssembly, importing something Outpost does not provide, or not a
/// WASI command. The message says which and is meant for the person installing the app.
/// </summary>
public sealed class WasmLoadException : Exception
{
    public WasmLoadException(string message)
        : base(message)
    {
    }

    public WasmLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
