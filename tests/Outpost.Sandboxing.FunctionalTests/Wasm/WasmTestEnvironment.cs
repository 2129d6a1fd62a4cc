using System.Diagnostics;
using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>
/// The sample modules built from source once per run (apps/*/build.sh: clang + lld + wasi-libc), one runtime shared
/// by the tests that need nothing special (it is thread-safe), and helpers to build requests and read responses.
/// </summary>
internal static class WasmTestEnvironment
{
    private static readonly Lazy<string> Probe = new(() => BuildApp("probe-wasm", "probe.wasm"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Guestbook = new(() => BuildApp("guestbook-wasm", "guestbook.wasm"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<WasmRuntime> Shared = new(() => NewRuntime(Path.Combine(TestDirectories.RunRoot, "wasm-cache")), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Task<WasmModule>> SharedProbe = new(() => Runtime.LoadAsync(ProbePath), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>apps/probe-wasm/probe.wasm, built into this run's directory.</summary>
    public static string ProbePath => Probe.Value;

    /// <summary>apps/guestbook-wasm/guestbook.wasm, built into this run's directory.</summary>
    public static string GuestbookPath => Guestbook.Value;

    /// <summary>The runtime shared by tests that do not need their own options or cache.</summary>
    public static WasmRuntime Runtime => Shared.Value;

    public static Task<WasmModule> ProbeAsync() => SharedProbe.Value;

    /// <summary>A small runtime: few slots and little reserved address space, since some tests make several.</summary>
    public static WasmRuntime NewRuntime(string cacheDir, int slots = 32) =>
        new(new WasmRuntimeOptions { CacheDir = cacheDir, MaxConcurrentInstances = slots, MaxMemoryBytes = 128L << 20 });

    public static WagiRequest Get(string path, string query = "") => new()
    {
        Method = "GET",
        RawPath = path,
        QueryString = query,
        ServerName = "abc.localhost",
        ServerPort = 6080,
        RemoteAddr = "127.0.0.1",
        Headers = [new("Host", "abc.localhost:6080")],
    };

    public static WagiIdentity Alice { get; } = new() { UserId = "alice-id", UserName = "Alice Ünïcode", Permissions = "write", SessionId = "s1" };

    public static WagiIdentity Bob { get; } = new() { UserId = "bob-id", UserName = "Bob", Permissions = "write", SessionId = "s2" };

    public static string Text(WagiResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    /// <summary>The probe's /env output as a dictionary (the first value of each name).</summary>
    public static Dictionary<string, string> Variables(WagiResponse response)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Text(response).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables.TryAdd(line[..equals], line[(equals + 1)..]);
            }
        }

        return variables;
    }

    public static string? Header(WagiResponse response, string name) =>
        response.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Writes a module given in the WebAssembly text format to a new file and returns its path.</summary>
    public static string WriteWat(string wat)
    {
        var path = Path.Combine(TestDirectories.NewTestDirectory(), "module.wasm");
        File.WriteAllBytes(path, Wasmtime.Module.ConvertText(wat));
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Outpost.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string BuildApp(string app, string output)
    {
        var target = Path.Combine(TestDirectories.RunRoot, output);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "apps", app, "build.sh"));
        info.ArgumentList.Add(target);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? target : throw new InvalidOperationException($"apps/{app}/build.sh failed: {error.Result}");
    }
}
