using System.IO.Compression;
using System.Security.Cryptography;

namespace Outpost.Packaging;

/// <summary>
/// Reads a package in two passes over one open file. Pass one hashes the payload and checks the signature, so no
/// byte of an unsigned or tampered package reaches the gzip or tar parsers. Pass two parses the payload while hashing
/// it again and requires the same digest at the end, so a file changed between the passes is refused as well.
/// </summary>
internal static class PackageReader
{
    private const int BufferSize = 1 << 20;

    /// <summary>A verified package: what it is, and its tree for callers that go on to place mount points.</summary>
    public sealed record Result(PackageInfo Info, PackageTree Tree);

    public static async Task<Result> ReadAsync(string opkPath, PackageLimits limits, IPackageSink? sink, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(opkPath);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();

        await using var file = Open(opkPath);
        var fileLength = file.Length;
        if (fileLength > limits.MaxPackageBytes)
        {
            throw new PackageException($"package is {fileLength} bytes; the limit is {limits.MaxPackageBytes}");
        }

        var headerBytes = new byte[OpkHeader.Size];
        var headerRead = await file.ReadAtLeastAsync(headerBytes, headerBytes.Length, throwOnEndOfStream: false, ct);
        var header = OpkHeader.Parse(headerBytes.AsSpan(0, headerRead), fileLength);

        var (fileSha256, payloadSha512) = await HashAsync(file, headerBytes, header.PayloadLength, ct);
        var signed = OpkHeader.SignedMessage(header.PayloadLength, payloadSha512);
        if (!SigningKey.Verify(header.PublicKey, signed, header.Signature))
        {
            throw new PackageException("package signature is not valid: the package was changed after signing, or was not signed by the key it names");
        }

        file.Seek(OpkHeader.Size, SeekOrigin.Begin);
        using var rehash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var payload = new HashingReadStream(file, header.PayloadLength, rehash);
        PayloadReader.Contents contents;
        try
        {
            await using var gzip = new GZipStream(payload, CompressionMode.Decompress, leaveOpen: true);
            contents = await PayloadReader.ReadAsync(gzip, limits, sink, ct);
        }
        catch (InvalidDataException e)
        {
            throw new PackageException($"payload is not valid gzip data: {e.Message}", e);
        }

        await payload.DrainAsync(ct);
        if (!CryptographicOperations.FixedTimeEquals(rehash.GetHashAndReset(), payloadSha512))
        {
            throw new PackageException("package file changed while it was being read; try again");
        }

        TreeRules.Validate(contents.Tree, contents.Manifest);
        var info = new PackageInfo
        {
            AppId = AppId.FromPublicKey(header.PublicKey),
            Manifest = contents.Manifest,
            Sha256 = Convert.ToHexStringLower(fileSha256),
            Size = fileLength,
        };
        return new Result(info, contents.Tree);
    }

    private static FileStream Open(string opkPath)
    {
        try
        {
            return new FileStream(opkPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PackageException($"package file '{opkPath}' does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PackageException($"package file '{opkPath}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>SHA-256 of the whole file (the package's name in catalogs) and SHA-512 of the payload (what is signed).</summary>
    private static async Task<(byte[] FileSha256, byte[] PayloadSha512)> HashAsync(
        FileStream file, byte[] headerBytes, long payloadLength, CancellationToken ct)
    {
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var payloadHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        fileHash.AppendData(headerBytes);
        var buffer = new byte[BufferSize];
        var left = payloadLength;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
            if (read == 0)
            {
                throw new PackageException("package file got shorter while it was being read; try again");
            }

            fileHash.AppendData(buffer, 0, read);
            payloadHash.AppendData(buffer, 0, read);
            left -= read;
        }

        return (fileHash.GetHashAndReset(), payloadHash.GetHashAndReset());
    }
}
