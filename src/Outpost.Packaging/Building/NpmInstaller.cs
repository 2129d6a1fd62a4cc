using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outpost.Packaging;

/// <summary>
/// Installs a recipe's npm package into the npm cache directory, once per package, version and lock file, and returns
/// the directory holding its node_modules. With a lock file the install is <c>npm ci</c>: exactly the versions the lock
/// names, each tarball checked against the lock's sha512 integrity, so rebuilding a recipe gives the same files.
/// Install scripts never run (<c>--ignore-scripts</c>): a package's code runs only inside the sandbox.
/// </summary>
internal static class NpmInstaller
{
    private const string LockName = "package-lock.json";
    private const string InstallerName = "outpost-recipe";
    private const int ErrorLines = 15;

    public static async Task<string> InstallAsync(NpmSource npm, string sourceDir, PackSettings settings, CancellationToken ct)
    {
        var lockPath = npm.LockFile is null ? null : Path.Combine(sourceDir, npm.LockFile);
        byte[]? lockBytes = lockPath is not null && File.Exists(lockPath) ? await File.ReadAllBytesAsync(lockPath, ct) : null;
        Directory.CreateDirectory(settings.NpmCacheDir);

        if (lockBytes is not null || lockPath is null)
        {
            var cached = CacheDir(settings, npm, lockBytes);
            if (Directory.Exists(cached))
            {
                return cached;
            }
        }

        var work = Path.Combine(settings.NpmCacheDir, $".installing-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        try
        {
            Directory.CreateDirectory(work);
            await File.WriteAllTextAsync(Path.Combine(work, "package.json"), InstallerPackageJson(npm), ct);
            string command;
            if (lockBytes is not null)
            {
                CheckLockFile(lockBytes, npm);
                await File.WriteAllBytesAsync(Path.Combine(work, LockName), lockBytes, ct);
                command = "ci";
            }
            else
            {
                command = "install";
            }

            settings.Progress($"npm {command} {npm.Package}@{npm.Version} (production dependencies, no install scripts)...");
            await RunNpmAsync(settings, work, command, npm, ct);
            CheckInstalledVersion(work, npm);

            var installedLock = await File.ReadAllBytesAsync(Path.Combine(work, LockName), ct);
            if (lockPath is not null && lockBytes is null)
            {
                await File.WriteAllBytesAsync(lockPath, installedLock, ct);
                settings.Progress($"wrote {npm.LockFile}: keep it with the recipe so every later build installs exactly these versions");
            }

            var target = CacheDir(settings, npm, lockPath is null ? null : installedLock);
            try
            {
                Directory.Move(work, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another build of the same recipe finished first; its install is the same.
                Directory.Delete(work, recursive: true);
            }

            return target;
        }
        catch
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            throw;
        }
    }

    // One directory per package, version and lock content: a changed lock never reuses an install made from another.
    private static string CacheDir(PackSettings settings, NpmSource npm, byte[]? lockBytes)
    {
        var hash = SHA256.HashData(lockBytes ?? Encoding.UTF8.GetBytes("no lock"));
        var name = npm.Package.Replace('/', '+');
        return Path.Combine(settings.NpmCacheDir, $"{name}@{npm.Version}-{Convert.ToHexStringLower(hash)[..16]}");
    }

    private static string InstallerPackageJson(NpmSource npm) =>
        new JsonObject
        {
            ["name"] = InstallerName,
            ["version"] = "1.0.0",
            ["private"] = true,
            ["dependencies"] = new JsonObject { [npm.Package] = npm.Version },
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    // npm ci would also refuse a lock for another version, but with a message about package.json that the author never wrote.
    private static void CheckLockFile(byte[] lockBytes, NpmSource npm)
    {
        JsonNode? locked;
        try
        {
            locked = JsonNode.Parse(lockBytes)?["packages"]?[""]?["dependencies"]?[npm.Package];
        }
        catch (JsonException e)
        {
            throw new PackageException($"pack.npm.lock: '{npm.LockFile}' is not valid JSON ({e.Message}); delete it and pack again to make a new one", e);
        }

        if (locked is not JsonValue value || !value.TryGetValue<string>(out var lockedVersion) || lockedVersion != npm.Version)
        {
            throw new PackageException(
                $"pack.npm.lock: '{npm.LockFile}' was not made for {npm.Package}@{npm.Version}; delete it and pack again to make a new one for this version");
        }
    }

    private static async Task RunNpmAsync(PackSettings settings, string work, string command, NpmSource npm, CancellationToken ct)
    {
        var start = new ProcessStartInfo(settings.NpmPath)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[command, "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--update-notifier=false"])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PackageException("could not start npm");
        }
        catch (Win32Exception e)
        {
            throw new PackageException($"pack.npm needs npm, which was not found as '{settings.NpmPath}' (Debian/Ubuntu: apt install npm)", e);
        }

        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(settings.NpmTimeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }

                throw new PackageException($"npm {command} {npm.Package}@{npm.Version} took longer than {settings.NpmTimeout.TotalMinutes:0} minutes; check the connection to the npm registry and try again");
            }

            if (process.ExitCode != 0)
            {
                var errors = string.Join('\n', (await stderr).Split('\n').Where(l => l.Length > 0 && !l.Contains("Unknown user config", StringComparison.Ordinal)).TakeLast(ErrorLines));
                throw new PackageException($"npm {command} {npm.Package}@{npm.Version} failed (exit code {process.ExitCode}); nothing was packed. npm said:\n{errors}");
            }

            await stdout;
        }
    }

    private static void CheckInstalledVersion(string work, NpmSource npm)
    {
        var manifest = Path.Combine(work, "node_modules", npm.Package, "package.json");
        string? installed = null;
        if (File.Exists(manifest))
        {
            installed = JsonNode.Parse(File.ReadAllBytes(manifest))?["version"]?.GetValue<string>();
        }

        if (installed != npm.Version)
        {
            throw new PackageException($"npm did not install {npm.Package}@{npm.Version} (found {installed ?? "nothing"} in node_modules)");
        }
    }
}
