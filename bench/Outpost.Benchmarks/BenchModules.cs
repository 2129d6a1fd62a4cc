using System.Diagnostics;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Benchmarks;

/// <summary>The modules and requests the benchmarks run: the sample apps built from source, and a minimal handler.</summary>
public static class BenchModules
{
    /// <summary>The smallest complete WAGI handler: one fd_write of headers and body, no libc.</summary>
    public const string TrivialWat = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "Content-Type: text/plain\n\nhello\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 32))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """;

    /// <summary>A fixed directory, so the separate processes BenchmarkDotNet starts reuse one build.</summary>
    public static string WorkDir { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "outpost-bench")).FullName;

    public static string Trivial()
    {
        var path = Path.Combine(WorkDir, "trivial.wasm");
        File.WriteAllBytes(path, Wasmtime.Module.ConvertText(TrivialWat));
        return path;
    }

    /// <summary>Builds apps/NAME/NAME's module with its build.sh (clang + lld + wasi-libc) and returns its path.</summary>
    public static string Build(string app, string module)
    {
        var output = Path.Combine(WorkDir, module);
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(Outpost.Bench.RepositoryRoot.Find(), "apps", app, "build.sh"));
        info.ArgumentList.Add(output);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"apps/{app}/build.sh failed: {error}");
    }

    /// <summary>A GET as a browser sends it through a session host, with a signed-in user.</summary>
    public static WagiRequest BrowserGet(string path) => new()
    {
        Method = "GET",
        RawPath = path,
        ServerName = "0123456789abcdef0123456789abcdef.localhost",
        ServerPort = 6080,
        RemoteAddr = "127.0.0.1",
        Headers =
        [
            new("Host", "0123456789abcdef0123456789abcdef.localhost:6080"),
            new("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"),
            new("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            new("Accept-Encoding", "gzip, deflate, br"),
            new("Accept-Language", "en-GB,en;q=0.9"),
        ],
        Identity = new WagiIdentity { UserId = "u_4f7c2a", UserName = "Ada Lovelace", Permissions = "write", SessionId = "0123456789abcdef" },
    };

    public static WasmRuntime NewRuntime(string cacheDir, int slots = 64) =>
        new(new WasmRuntimeOptions { CacheDir = cacheDir, MaxConcurrentInstances = slots });
}
