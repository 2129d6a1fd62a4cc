using System.IO.Compression;
using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// Writes a planned package as an .opk: header placeholder, gzip'd tar payload (hashed while written), then the real
/// header with the signature. The file appears under its final name only when complete.
/// </summary>
internal static class PackageWriter
{
    private static readonly UnixFileMode _manifestMode = (UnixFileMode)0x1A4;

    public static async Task<PackageInfo> WriteAsync(string outFile, SigningKey key, AppManifest manifest, PackPlan plan, CancellationToken ct)
    {
        var target = Path.GetFullPath(outFile);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.packing-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        try
        {
            await WritePackageAsync(temp, key, Manifest.Serialize(manifest), plan, ct);
            var (sha256, size) = await HashFileAsync(temp, ct);
            File.Move(temp, target, overwrite: true);
            return new PackageInfo { AppId = key.AppId, Manifest = manifest, Sha256 = sha256, Size = size };
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static async Task WritePackageAsync(string path, SigningKey key, byte[] manifestJson, PackPlan plan, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        await file.WriteAsync(new byte[OpkHeader.Size], ct);

        using var payloadHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var payload = new HashingWriteStream(file, payloadHash);
        await using (var gzip = new GZipStream(payload, CompressionLevel.Fastest, leaveOpen: true))
        await using (var buffered = new BufferedStream(gzip, 1 << 16))
        {
            var tar = new TarEntryWriter(buffered);
            await tar.WriteFileAsync(EntryRules.ManifestEntry, (int)_manifestMode, new MemoryStream(manifestJson), manifestJson.Length, ct);
            foreach (var (packagePath, item) in plan.Items)
            {
                await WriteItemAsync(tar, EntryRules.RootEntry + (packagePath == "/" ? "" : packagePath), item, ct);
            }

            await tar.FinishAsync(ct);
        }

        var signature = key.Sign(OpkHeader.SignedMessage(payload.BytesWritten, payloadHash.GetHashAndReset()));
        var header = new OpkHeader(key.PublicKey, signature, payload.BytesWritten);
        file.Seek(0, SeekOrigin.Begin);
        await file.WriteAsync(header.ToBytes(), ct);
    }

    private static async Task WriteItemAsync(TarEntryWriter tar, string name, PackPlan.Item item, CancellationToken ct)
    {
        var node = item.Node;
        switch (node.Kind)
        {
            case TreeNodeKind.Directory:
                await tar.WriteDirectoryAsync(name, (int)node.Mode, ct);
                break;
            case TreeNodeKind.Symlink:
                await tar.WriteSymlinkAsync(name, node.LinkTarget!, ct);
                break;
            default:
                try
                {
                    await using var source = new FileStream(item.SourcePath!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
                    await tar.WriteFileAsync(name, (int)node.Mode, source, node.Size, ct);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new PackageException($"cannot read '{item.SourcePath}': {e.Message}", e);
                }

                break;
        }
    }

    private static async Task<(string Sha256, long Size)> HashFileAsync(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(file, ct);
        return (Convert.ToHexStringLower(hash), file.Length);
    }
}
