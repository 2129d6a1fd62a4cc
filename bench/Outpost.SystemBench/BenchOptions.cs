namespace Outpost.SystemBench;

/// <summary>Command-line options and the repository paths the benchmark uses.</summary>
internal sealed record BenchOptions
{
    public int Iterations { get; init; } = 20;

    public int Seconds { get; init; } = 10;

    public int Connections { get; init; } = 32;

    /// <summary>"notes" (the default: the notes and wasm sample apps) or "real-apps" (TiddlyWiki and Node-RED).</summary>
    public string Suite { get; init; } = "notes";

    public required string RepoRoot { get; init; }

    public string OutpostBinary => Path.Combine(RepoRoot, "artifacts", "outpost", "outpost");

    public string NotesPackage => Path.Combine(RepoRoot, "artifacts", "apps", "notes.opk");

    public string WasmProbePackage => Path.Combine(RepoRoot, "artifacts", "apps", "probe-wasm.opk");

    public string NotesSource => Path.Combine(RepoRoot, "apps", "notes");

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions { RepoRoot = Outpost.Bench.RepositoryRoot.Find() };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--iterations" => options with { Iterations = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) },
                "--seconds" => options with { Seconds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) },
                "--suite" => options with { Suite = args[i + 1] is "notes" or "real-apps" ? args[i + 1] : throw new ArgumentException("--suite is notes or real-apps") },
                "--connections" => options with { Connections = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}"),
            };
        }

        return options;
    }
}
