namespace Outpost.Packaging.Tests;

/// <summary>Asserts that a package is refused by both the verifier and the extractor, and that nothing is left behind.</summary>
internal static class Rejection
{
    public static readonly string[] MountPoints = ["/var", "/tmp", "/dev", "/proc", "/run/outpost"];

    /// <summary>Returns the message after checking both readers refuse <paramref name="opkPath"/> with the same one.</summary>
    public static async Task<string> AssertRejectedAsync(string opkPath, string expectedFragment, PackageLimits? limits = null)
    {
        limits ??= new PackageLimits();
        var verify = await Assert.ThrowsAsync<PackageException>(() => PackageVerifier.VerifyAsync(opkPath, limits));
        Assert.Contains(expectedFragment, verify.Message, StringComparison.Ordinal);

        using var parent = new TempDirectory();
        var target = parent["app"];
        var extract = await Assert.ThrowsAsync<PackageException>(
            () => PackageExtractor.ExtractAsync(opkPath, target, limits, MountPoints));
        Assert.Equal(verify.Message, extract.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent.Path));
        return verify.Message;
    }
}
