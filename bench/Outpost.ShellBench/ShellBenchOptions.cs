using System.Globalization;

namespace Outpost.ShellBench;

/// <summary>Command-line options of the shell benchmark.</summary>
internal sealed record ShellBenchOptions
{
    /// <summary>Grains owned by the measured account.</summary>
    public int Grains { get; init; } = 1000;

    /// <summary>Timed requests per page (after <see cref="Warmup"/> untimed ones).</summary>
    public int Requests { get; init; } = 50;

    public int Warmup { get; init; } = 10;

    public string Chromium { get; init; } = "/usr/bin/chromium";

    public required string RepoRoot { get; init; }

    public static ShellBenchOptions Parse(string[] args)
    {
        var options = new ShellBenchOptions { RepoRoot = Outpost.Bench.RepositoryRoot.Find() };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--grains" => options with { Grains = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--requests" => options with { Requests = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--chromium" => options with { Chromium = args[i + 1] },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --grains N, --requests N, --warmup N, --chromium PATH."),
            };
        }

        return options;
    }
}
