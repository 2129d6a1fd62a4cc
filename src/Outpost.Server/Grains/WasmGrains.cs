using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Sandboxing;
using Outpost.Sandboxing.Wasm;
using Outpost.Server.Encryption;
using Outpost.Server.Hosting;
using Outpost.Server.Sessions;

namespace Outpost.Server.Grains;

/// <summary>
/// Serves WebAssembly grains: one shared engine, each app version's module compiled once (and cached on disk across
/// restarts), a fresh instance per request. There is no process to start or stop, so these grains need no Orleans
/// activation; what they use is metered as fuel and charged to the grain. Their storage (the instance's preopened
/// directory) is the plaintext view of their encrypted storage, mounted while requests come and unmounted after the
/// same idle time as a native grain's stop.
/// </summary>
internal sealed partial class WasmGrains(
    WasmRuntime runtime,
    WagiForwarder forwarder,
    GasMeter gas,
    GrainStorage storage,
    DataPaths paths,
    IOptions<WasmSettings> settings,
    ILogger<WasmGrains> logger)
{
    private readonly ConcurrentDictionary<(string AppId, int Version), Lazy<Task<WasmModule>>> _modules = new();

    public async Task ServeAsync(HttpContext context, SessionEntry session)
    {
        byte[] logKey;
        try
        {
            logKey = await storage.AcquireAsync(session.GrainId, ownerUid: null, context.RequestAborted);
        }
        catch (GrainStartException e)
        {
            // Held for a backup: the same answer a native grain's request gets.
            await SessionHostPages.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "This grain could not start", e.Message);
            return;
        }

        try
        {
            await ServeMountedAsync(context, session, new BoundedLog(paths.GrainLog(session.GrainId), settings.Value.LogKiB * 1024L, logKey));
        }
        finally
        {
            await storage.ReleaseAsync(session.GrainId, unmountNow: false);
        }
    }

    private async Task ServeMountedAsync(HttpContext context, SessionEntry session, BoundedLog log)
    {
        WasmModule module;
        try
        {
            module = await ModuleAsync(session);
        }
        catch (WasmLoadException e)
        {
            _modules.TryRemove((session.AppId, session.AppVersion), out _);
            log.AppendLine($"[outpost] module failed to load: {e.Message}");
            await SessionHostPages.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "This grain could not start", e.Message);
            return;
        }

        var identity = new WagiIdentity
        {
            UserId = session.AccountId ?? "",
            UserName = session.UserName,
            Permissions = session.Permissions,
            SessionId = session.SessionId,
        };
        var response = await forwarder.ForwardAsync(context, module, identity, paths.GrainStorage(session.GrainId), settings.Value.Limits(),
            session.Command.Args, session.Command.Env);
        gas.Add(session.GrainId, response.FuelUsed);
        if (response.Failure is { } failure)
        {
            LogFailure(logger, session.GrainId, failure.Kind, failure.Message);
            log.AppendLine($"[outpost] request {context.Request.Method} {context.Request.Path} stopped: {failure.Message}");
        }

        if (response.Stderr.Length > 0)
        {
            log.Append(response.Stderr.Span);
        }
    }

    private Task<WasmModule> ModuleAsync(SessionEntry session) =>
        _modules.GetOrAdd((session.AppId, session.AppVersion), key => new Lazy<Task<WasmModule>>(() =>
        {
            // The command path is absolute inside the package; the package root is the app version's root/ dir.
            var path = Path.Combine(paths.AppRoot(key.AppId, key.Version), session.Command.Path.TrimStart('/'));
            return runtime.LoadAsync(path);
        })).Value;

    [LoggerMessage(Level = LogLevel.Information, Message = "Wasm grain {GrainId}: request stopped ({Kind}): {Reason}")]
    private static partial void LogFailure(ILogger logger, string grainId, WagiFailureKind kind, string reason);
}

/// <summary>Limits for WebAssembly grains, bound from <c>Outpost:Wasm</c>.</summary>
public sealed class WasmSettings
{
    /// <summary>Gas per request (Wasmtime fuel, about one unit per instruction). Default 1,000,000,000 (about a second of CPU).</summary>
    public long FuelPerRequest { get; set; } = 1_000_000_000;

    /// <summary>Wall-clock limit per request. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Linear memory per request, in MiB. Default 64.</summary>
    public int MemoryMiB { get; set; } = 64;

    /// <summary>Largest response, in MiB. Default 16.</summary>
    public int MaxResponseMiB { get; set; } = 16;

    /// <summary>Grain log size before it rotates, in KiB. Default 1024.</summary>
    public int LogKiB { get; set; } = 1024;

    public WagiLimits Limits() => new()
    {
        Fuel = FuelPerRequest,
        Deadline = RequestTimeout,
        MemoryBytes = MemoryMiB * 1024L * 1024L,
        MaxResponseBytes = MaxResponseMiB * 1024L * 1024L,
    };
}

/// <summary>Registration of the WebAssembly grain runtime.</summary>
internal static class WasmGrainsRegistration
{
    public static IServiceCollection AddWasmGrains(this IServiceCollection services, DataPaths paths)
    {
        services.AddOptions<WasmSettings>().BindConfiguration($"{OutpostOptions.Section}:Wasm");
        services.AddSingleton(sp => new WasmRuntime(
            new WasmRuntimeOptions { CacheDir = Path.Combine(paths.Root, "cache", "wasm") },
            sp.GetRequiredService<ILogger<WasmRuntime>>()));
        services.AddSingleton<WagiForwarder>();
        services.AddSingleton<WasmGrains>();
        services.AddSingleton<GasMeter>();
        services.AddHostedService(sp => sp.GetRequiredService<GasMeter>());
        return services;
    }
}
