using System.Diagnostics;

namespace Outpost.Sandboxing.FunctionalTests.Infrastructure;

/// <summary>Builds the test apps' package roots once per test run.</summary>
internal static class TestApps
{
    private static readonly Lazy<string> Hostile = new(BuildHostileRoot, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Node = new(BuildNodeRoot, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A package root holding only /app/hostile (a static binary) and the mount points.</summary>
    public static string HostileRoot => Hostile.Value;

    /// <summary>A package root holding /usr/bin/node with the libraries it links, and /app/server.js.</summary>
    public static string NodeRoot => Node.Value;

    private static string Source(string relative) => Path.Combine(AppContext.BaseDirectory, "TestApps", relative);

    private static string BuildHostileRoot()
    {
        var root = NewPackageRoot("hostile");
        Run("gcc", "-static", "-O2", "-Wall", "-o", Path.Combine(root, "app", "hostile"), Source("hostile/hostile.c"));
        TestDirectories.MakeWorldReadable(root);
        return root;
    }

    private static string BuildNodeRoot()
    {
        var root = NewPackageRoot("node");
        CopyInto(root, "/usr/bin/node");

        // The same set of libraries ldd reports, at the same paths: the app uses its package's own
        // libc through its own loader, as a real package would.
        foreach (var library in Run("ldd", "/usr/bin/node").Split('\n'))
        {
            var path = library.Trim().Split(' ').FirstOrDefault(p => p.StartsWith('/'));
            if (path is not null)
            {
                CopyInto(root, path);
            }
        }

        File.Copy(Source("node-hello/server.js"), Path.Combine(root, "app", "server.js"));
        TestDirectories.MakeWorldReadable(root);
        return root;
    }

    private static string NewPackageRoot(string name)
    {
        var root = Path.Combine(TestDirectories.RunRoot, "package-" + name);
        Directory.CreateDirectory(Path.Combine(root, "app"));
        foreach (var mountPoint in NativeSandbox.MountPoints)
        {
            Directory.CreateDirectory(root + mountPoint);
        }

        TestDirectories.MakeWorldReadable(root);
        return root;
    }

    private static void CopyInto(string root, string hostPath)
    {
        var target = root + hostPath;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(hostPath, target, overwrite: true);
    }

    private static string Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{command} failed: {error.Result}");
    }
}
