using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>Verifies a package and unpacks it for the sandbox.</summary>
public static class PackageExtractor
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PublicDirectory = PrivateDirectory
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// Verifies <paramref name="opkPath"/> exactly as <see cref="PackageVerifier.VerifyAsync"/> does and unpacks it
    /// into <paramref name="targetDir"/>, which must not exist (its parent is created if needed). On success the
    /// directory holds manifest.json and root/, with each of <paramref name="mountPoints"/> (absolute paths such as
    /// "/var" or "/run/outpost") present in root/ as a real directory. On any failure, cancellation included, nothing
    /// is left behind: the package is unpacked into a hidden sibling directory that is renamed only at the end.
    /// </summary>
    public static async Task<PackageInfo> ExtractAsync(
        string opkPath, string targetDir, PackageLimits limits, IReadOnlyList<string> mountPoints, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(opkPath);
        ArgumentException.ThrowIfNullOrEmpty(targetDir);
        ArgumentNullException.ThrowIfNull(limits);
        MountPoints.CheckArgument(mountPoints);

        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDir));
        if (StagedDirectory.Exists(target))
        {
            throw new PackageException($"'{target}' already exists; extract into a new directory");
        }

        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException("The target cannot be the filesystem root.", nameof(targetDir));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.extracting-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        // Private while incomplete, so nobody starts using a half-written tree.
        Directory.CreateDirectory(staging, PrivateDirectory);
        try
        {
            var sink = new DirectorySink(staging);
            var result = await PackageReader.ReadAsync(opkPath, limits, sink, ct);
            MountPoints.Ensure(result.Tree, mountPoints, path =>
            {
                Directory.CreateDirectory(sink.HostPath(path));
                File.SetUnixFileMode(sink.HostPath(path), PublicDirectory);
            });
            ct.ThrowIfCancellationRequested();
            File.SetUnixFileMode(staging, PublicDirectory);
            Directory.Move(staging, target);
            return result.Info;
        }
        catch
        {
            DeleteQuietly(staging);
            throw;
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            // Recursive delete removes symlinks themselves and never follows them.
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more; a leftover hidden staging directory is harmless.
        }
    }
}
