using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Wasm;
using static Outpost.Sandboxing.FunctionalTests.Wasm.WasmTestEnvironment;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>Modules that can never run are refused at load with a message naming the problem; good ones are cached.</summary>
public sealed class WasmLoadTests
{
    [Fact]
    public async Task LoadAsync_CorruptModule_ThrowsNotValidWebAssembly()
    {
        var path = Path.Combine(TestDirectories.NewTestDirectory(), "corrupt.wasm");
        await File.WriteAllBytesAsync(path, [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x13, 0x37]);

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains($"'{path}' is not a valid WebAssembly module", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_NotWebAssemblyAtAll_ThrowsNotValidWebAssembly()
    {
        var path = Path.Combine(TestDirectories.NewTestDirectory(), "text.wasm");
        await File.WriteAllTextAsync(path, "#!/bin/sh\necho hello\n");

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains("is not a valid WebAssembly module", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ImportsThatDoNotExist_ThrowsNamingEachOne()
    {
        var path = WriteWat("""
            (module
              (import "env" "open_socket" (func (param i32) (result i32)))
              (import "wasi_snapshot_preview1" "no_such_call" (func))
              (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")))
            """);

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains("env.open_socket does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("wasi_snapshot_preview1.no_such_call does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fd_write", error.Message, StringComparison.Ordinal);
        Assert.Contains("may import only WASI preview 1 functions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_WasiFunctionWithWrongSignature_Throws()
    {
        var path = WriteWat("""
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func (param i64)))
              (memory (export "memory") 1)
              (func (export "_start")))
            """);

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains("wasi_snapshot_preview1.fd_write is imported as (Int64) -> () but is (Int32, Int32, Int32, Int32) -> (Int32)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_ImportedMemory_Throws()
    {
        var path = WriteWat("""(module (import "env" "memory" (memory 1)) (func (export "_start")))""");

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains("env.memory is a memory, and only functions can be imported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_NoStartFunction_ThrowsAskingForACommand()
    {
        var path = WriteWat("""(module (memory (export "memory") 1) (func (export "handle")))""");

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.Contains("has no _start function: build it as a WASI command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ThrowsCannotRead()
    {
        var path = Path.Combine(TestDirectories.NewTestDirectory(), "absent.wasm");

        var error = await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        Assert.StartsWith($"Cannot read the module '{path}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_AfterRestart_LoadsFromCacheWithoutCompiling()
    {
        var cache = Path.Combine(TestDirectories.NewTestDirectory(), "cache");
        bool firstFromCache;
        using (var before = NewRuntime(cache))
        {
            firstFromCache = (await before.LoadAsync(ProbePath)).LoadedFromCache;
        }

        using var after = NewRuntime(cache);
        var module = await after.LoadAsync(ProbePath);

        Assert.False(firstFromCache);
        Assert.True(module.LoadedFromCache);
        Assert.Single(Directory.GetFiles(cache, "*.cwasm"));
        Assert.Equal("hello from wasm\n", Text(module.Invoke(Get("/hello"), new WagiLimits())));
    }

    [Fact]
    public async Task LoadAsync_DamagedCacheEntry_CompilesAgainAndReplacesIt()
    {
        var cache = Path.Combine(TestDirectories.NewTestDirectory(), "cache");
        using (var first = NewRuntime(cache))
        {
            await first.LoadAsync(ProbePath);
        }

        var entry = Directory.GetFiles(cache, "*.cwasm").Single();
        await File.WriteAllBytesAsync(entry, new byte[4096]);
        using var second = NewRuntime(cache);
        var module = await second.LoadAsync(ProbePath);

        Assert.False(module.LoadedFromCache);
        Assert.Equal("hello from wasm\n", Text(module.Invoke(Get("/hello"), new WagiLimits())));
        using var third = NewRuntime(cache);
        Assert.True((await third.LoadAsync(ProbePath)).LoadedFromCache);
    }

    [Fact]
    public async Task LoadAsync_SameModuleTwice_ReturnsTheSameLoadedModule()
    {
        var copy = Path.Combine(TestDirectories.NewTestDirectory(), "copy.wasm");
        File.Copy(ProbePath, copy);

        var first = await Runtime.LoadAsync(ProbePath);
        var second = await Runtime.LoadAsync(copy);

        Assert.Same(first, second);
        Assert.Equal(64, first.Sha256.Length);
    }

    [Fact]
    public async Task LoadAsync_RefusedModuleFixedInPlace_LoadsOnTheNextTry()
    {
        var path = WriteWat("""(module (memory (export "memory") 1) (func (export "not_start")))""");
        await Assert.ThrowsAsync<WasmLoadException>(() => Runtime.LoadAsync(path));

        File.WriteAllBytes(path, Wasmtime.Module.ConvertText("""(module (memory (export "memory") 1) (func (export "_start")))"""));
        var module = await Runtime.LoadAsync(path);

        Assert.Equal("module.wasm", module.Name);
    }
}
