namespace Outpost.Server.Hosting;

/// <summary>Where everything lives inside the data directory. The one place that knows the layout.</summary>
public sealed class DataPaths(string root)
{
    /// <summary>The data directory itself.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The SQLite metadata database.</summary>
    public string Database => Path.Combine(Root, "outpost.db");

    /// <summary>The admin API token, readable only by the server's user (its hash is in the database).</summary>
    public string AdminTokenFile => Path.Combine(Root, "admin.token");

    /// <summary>The master key file (0600), created at first run unless the key comes from the environment.</summary>
    public string MasterKeyFile => Path.Combine(Root, "master.key");

    /// <summary>The new master key while <c>outpost key rotate</c> runs; it replaces <see cref="MasterKeyFile"/> at the end.</summary>
    public string NewMasterKeyFile => Path.Combine(Root, "master.key.new");

    /// <summary>Held (flock) by the running server, so that offline tools such as key rotation refuse to run beside it.</summary>
    public string ServerLock => Path.Combine(Root, "server.lock");

    /// <summary>Installed packages: <c>apps/&lt;app id&gt;/&lt;version&gt;</c>.</summary>
    public string Apps => Path.Combine(Root, "apps");

    /// <summary>Per-grain directories: storage, log.</summary>
    public string Grains => Path.Combine(Root, "grains");

    /// <summary>Per-grain runtime directories holding the bridge sockets of running grains.</summary>
    public string Run => Path.Combine(Root, "run");

    /// <summary>Scratch space for uploads and package extraction; same filesystem as <see cref="Apps"/> so installs are a rename.</summary>
    public string Temp => Path.Combine(Root, "tmp");

    public string AppVersionDir(string appId, int version) => Path.Combine(Apps, appId, version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string AppRoot(string appId, int version) => Path.Combine(AppVersionDir(appId, version), "root");

    public string GrainDir(string grainId) => Path.Combine(Grains, grainId);

    /// <summary>Where the grain's storage is visible in plaintext, only while it runs (the mount point of its encrypted storage).</summary>
    public string GrainStorage(string grainId) => Path.Combine(GrainDir(grainId), "var");

    /// <summary>The grain's storage as it is on disk: encrypted file contents and names.</summary>
    public string GrainEncryptedStorage(string grainId) => Path.Combine(GrainDir(grainId), "encrypted");

    public string GrainLog(string grainId) => Path.Combine(GrainDir(grainId), "grain.log");

    /// <summary>Copies of a grain's storage taken before updates: <c>grains/&lt;id&gt;/snapshots/&lt;version&gt;</c>.</summary>
    public string GrainSnapshots(string grainId) => Path.Combine(GrainDir(grainId), "snapshots");

    /// <summary>The storage of <paramref name="grainId"/> as it was while it ran <paramref name="version"/>.</summary>
    public string GrainSnapshot(string grainId, int version) =>
        Path.Combine(GrainSnapshots(grainId), version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string GrainRuntime(string grainId) => Path.Combine(Run, grainId);

    /// <summary>A fresh unique path under <see cref="Temp"/>.</summary>
    public string NewTempPath(string prefix) => Path.Combine(Temp, $"{prefix}-{Guid.NewGuid():N}");
}
