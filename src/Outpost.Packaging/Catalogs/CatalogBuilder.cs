namespace Outpost.Packaging.Catalogs;

/// <summary>
/// Builds a catalog from a folder of packages (<c>outpost catalog build</c>): every .opk below the folder is fully
/// verified, grouped by app, and listed with a URL relative to the folder, so publishing is copying the folder.
/// </summary>
public static class CatalogBuilder
{
    /// <summary>The file name a published catalog has inside its folder (and under /.well-known/outpost/).</summary>
    public const string FileName = "catalog.json";

    /// <summary>
    /// Verifies each package under <paramref name="folder"/> and returns the signed catalog file. Throws
    /// <see cref="PackageException"/> naming the package when one is invalid or two packages claim the same version.
    /// </summary>
    public static async Task<byte[]> BuildAsync(
        string folder, SigningKey key, string title, TimeProvider time, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new PackageException($"folder '{folder}' does not exist");
        }

        var limits = CatalogLimits.Default;
        var packages = new List<(PackageInfo Info, string Url, string? Icon, string File)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.opk", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            progress?.Report($"checking {Path.GetRelativePath(folder, file)}");
            var icons = new IconSink(limits.MaxIconChars * 3 / 4);
            PackageInfo info;
            try
            {
                info = (await PackageReader.ReadAsync(file, PackageLimits.Default, icons, ct)).Info;
            }
            catch (PackageException e)
            {
                throw new PackageException($"{Path.GetRelativePath(folder, file)}: {e.Message}", e);
            }

            var url = string.Join('/', Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
            packages.Add((info, url, icons.DataUrl, file));
        }

        if (packages.Count == 0)
        {
            throw new PackageException($"folder '{folder}' holds no .opk packages; make them with 'outpost pack'");
        }

        var apps = new List<CatalogApp>();
        foreach (var group in packages.GroupBy(p => p.Info.AppId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var same = group.GroupBy(p => p.Info.Manifest.Version).FirstOrDefault(v => v.Count() > 1);
            if (same is not null)
            {
                throw new PackageException(
                    $"{string.Join(" and ", same.Select(p => Path.GetRelativePath(folder, p.File)))} are both version {same.Key} of the same app; keep one");
            }

            var versions = group.OrderByDescending(p => p.Info.Manifest.Version).ToList();
            var latest = versions[0];
            apps.Add(new CatalogApp
            {
                Id = group.Key,
                Title = latest.Info.Manifest.Title,
                Description = latest.Info.Manifest.Metadata?.Description,
                Icon = latest.Icon,
                Versions = [.. versions.Select(p => new CatalogVersion
                {
                    Version = p.Info.Manifest.Version,
                    MarketingVersion = p.Info.Manifest.MarketingVersion,
                    Url = p.Url,
                    Size = p.Info.Size,
                    Sha256 = p.Info.Sha256,
                })],
            });
        }

        var catalog = new Catalog { KeyId = key.AppId, Title = title, PublishedAt = time.GetUtcNow(), Apps = apps };
        return CatalogWriter.Write(catalog, key);
    }
}
