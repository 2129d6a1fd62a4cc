namespace Outpost.Packaging;

/// <summary>Checks a package completely without writing anything.</summary>
public static class PackageVerifier
{
    /// <summary>
    /// Checks the signature, every entry, the limits and the manifest of <paramref name="opkPath"/>. Throws a
    /// <see cref="PackageException"/> saying what is wrong; returns what the package is when nothing is.
    /// </summary>
    public static async Task<PackageInfo> VerifyAsync(string opkPath, PackageLimits limits, CancellationToken ct = default) =>
        (await PackageReader.ReadAsync(opkPath, limits, sink: null, ct)).Info;
}
