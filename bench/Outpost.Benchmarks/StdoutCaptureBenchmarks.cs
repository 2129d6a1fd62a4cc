using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using Wasmtime;

namespace Outpost.Benchmarks;

/// <summary>
/// How to get a module's stdout: Wasmtime's output callback (baseline), or a memfd Wasmtime opens by path and the
/// host reads back (what the runtime does). Same module (C probe /hello), same environment, raw Wasmtime.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public partial class StdoutCaptureBenchmarks
{
    private static readonly (string, string)[] Environment =
    [
        ("REQUEST_METHOD", "GET"), ("PATH_INFO", "/hello"), ("X_RAW_PATH_INFO", "/hello"), ("QUERY_STRING", ""),
        ("SERVER_NAME", "0123456789abcdef0123456789abcdef.localhost"), ("SERVER_PORT", "6080"), ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("GATEWAY_INTERFACE", "CGI/1.1"), ("CONTENT_LENGTH", "0"), ("CONTENT_TYPE", ""), ("REMOTE_ADDR", "127.0.0.1"),
        ("HTTP_HOST", "0123456789abcdef0123456789abcdef.localhost:6080"), ("HTTP_ACCEPT", "text/html,*/*;q=0.8"),
        ("OUTPOST_USER_ID", "u_4f7c2a"), ("OUTPOST_USER_NAME", "Ada Lovelace"), ("OUTPOST_PERMISSIONS", "write"),
    ];

    private readonly MemoryStream _captured = new();
    private readonly byte[] _readBuffer = new byte[64 << 10];
    private Engine _engine = null!;
    private Linker _linker = null!;
    private Wasmtime.Module _module = null!;
    private SafeFileHandle _memfd = null!;
    private string _memfdPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var pool = new PoolingAllocationConfig().WithMaxCoreInstances(64).WithMaxMemories(64).WithMaxTables(64).WithMaxMemorySize(256 << 20);
        using var config = new Config().WithPoolingAllocationStrategy(pool).WithMemoryInitCopyOnWrite(true).WithEpochInterruption(true).WithFuelConsumption(true);
        _engine = new Engine(config);
        _linker = new Linker(_engine);
        _linker.DefineWasi();
        _module = Wasmtime.Module.FromFile(_engine, BenchModules.Build("probe-wasm", "probe.wasm"));
        _memfd = new SafeFileHandle(MemfdCreate("bench", 1), ownsHandle: true);
        _memfdPath = "/proc/self/fd/" + _memfd.DangerousGetHandle();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memfd.Dispose();
        _module.Dispose();
        _linker.Dispose();
        _engine.Dispose();
    }

    [Benchmark(Baseline = true, Description = "stdout via callback")]
    public long Callback()
    {
        _captured.SetLength(0);
        Run(new WasiConfiguration().WithEnvironmentVariables(Environment).WithStandardOutputCallback(data => _captured.Write(data)));
        return _captured.Length;
    }

    [Benchmark(Description = "stdout via memfd path")]
    public long Memfd()
    {
        Run(new WasiConfiguration().WithEnvironmentVariables(Environment).WithStandardOutput(_memfdPath));
        var length = RandomAccess.Read(_memfd, _readBuffer, 0);
        RandomAccess.SetLength(_memfd, 0);
        return length;
    }

    private void Run(WasiConfiguration wasi)
    {
        using var store = new Store(_engine);
        store.Fuel = 10_000_000;
        store.SetEpochDeadline(1_000);
        store.SetWasiConfiguration(wasi);
        _linker.Instantiate(store, _module).GetAction("_start")!.Invoke();
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);
}
