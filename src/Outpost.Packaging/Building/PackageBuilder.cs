using System.Text;

namespace Outpost.Packaging;

/// <summary>Builds signed packages from pack folders (docs/packaging.md).</summary>
public static class PackageBuilder
{
    /// <summary>
    /// Packs <paramref name="sourceDir"/> (an outpost.json plus the app's files) into <paramref name="outFile"/>,
    /// signed with <paramref name="key"/>. The same folder and key always give the same bytes. Throws a
    /// <see cref="PackageException"/> for anything that would make the package unusable or rejected by a reader.
    /// </summary>
    public static Task<PackageInfo> PackAsync(string sourceDir, SigningKey key, string outFile, CancellationToken ct = default) =>
        PackAsync(sourceDir, key, outFile, new PackSettings(), ct);

    /// <summary>
    /// Packs <paramref name="sourceDir"/> like <see cref="PackAsync(string, SigningKey, string, CancellationToken)"/>,
    /// fetching what its recipe names from npm as <paramref name="settings"/> say.
    /// </summary>
    public static async Task<PackageInfo> PackAsync(string sourceDir, SigningKey key, string outFile, PackSettings settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(sourceDir);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(outFile);

        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceDir));
        if (!Directory.Exists(source))
        {
            throw new PackageException($"pack folder '{sourceDir}' does not exist");
        }

        var (manifest, options) = PackSource.Read(source);
        if (settings.Version is { } version)
        {
            manifest = manifest with { Version = version };
            ManifestValidator.Validate(manifest);
        }

        var plan = new PackPlan();
        try
        {
            // npm first: a first build writes the recipe's lock file into the folder, and the package must hold it.
            if (options.Npm is { } npm)
            {
                var installed = await NpmInstaller.InstallAsync(npm, source, settings, ct);
                AppFolder.AddTree(plan, Path.Combine(installed, "node_modules"), npm.Location + "/node_modules");
            }

            AppFolder.Add(plan, source, options.Exclude, skipHostPath: Path.GetFullPath(outFile));

            await HostFiles.AddAsync(plan, options.HostFiles, ct);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new PackageException($"cannot read the files to pack: {e.Message}", e);
        }

        // Judge the package as a reader with default limits will, so problems surface here and not at install time.
        TreeRules.Validate(plan.ToTree(), manifest);
        CheckDefaultLimits(plan);

        var info = await PackageWriter.WriteAsync(outFile, key, manifest, plan, ct);
        if (info.Size > PackageLimits.Default.MaxPackageBytes)
        {
            File.Delete(outFile);
            throw new PackageException($"the package would be {info.Size} bytes, over the {PackageLimits.Default.MaxPackageBytes}-byte limit servers apply by default");
        }

        return info;
    }

    private static void CheckDefaultLimits(PackPlan plan)
    {
        var limits = PackageLimits.Default;
        if (plan.Count + 1 > limits.MaxEntries)
        {
            throw new PackageException($"the package would have {plan.Count + 1} entries, over the default limit of {limits.MaxEntries}; use pack.exclude");
        }

        if (plan.TotalFileBytes > limits.MaxUnpackedBytes)
        {
            throw new PackageException($"the package would unpack to {plan.TotalFileBytes} bytes, over the default limit of {limits.MaxUnpackedBytes}; use pack.exclude");
        }

        foreach (var (path, item) in plan.Items)
        {
            if (Encoding.UTF8.GetByteCount(EntryRules.RootEntry + path) > limits.MaxPathLength
                || Encoding.UTF8.GetByteCount(item.Node.LinkTarget ?? "") > limits.MaxPathLength)
            {
                throw new PackageException($"'{path}' has a path or symlink target longer than the default limit of {limits.MaxPathLength} bytes");
            }
        }
    }
}
