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

    public string GrainStorage(string grainId) => Path.Combine(GrainDir(grainId), "var");

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
