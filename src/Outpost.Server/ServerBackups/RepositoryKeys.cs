using System.Security.Cryptography;
using System.Text;
using Outpost.Packaging;

namespace Outpost.Server.ServerBackups;

/// <summary>
/// The keys of a backup repository, all derived (HKDF-SHA256) from one repository key: chunk names are an HMAC of
/// the chunk's plaintext, so equal data gets the same name (deduplication) and the name reveals nothing without the
/// key; chunk bodies and snapshot indexes are sealed with AES-256-GCM, bound to their name.
/// </summary>
internal sealed class RepositoryKeys
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] ChunkMagic = "OPC1"u8.ToArray();
    private static readonly byte[] IndexMagic = "OPS1"u8.ToArray();

    private readonly byte[] _nameKey;
    private readonly byte[] _chunkKey;
    private readonly byte[] _indexKey;

    public RepositoryKeys(byte[] repositoryKey)
    {
        _nameKey = Derive(repositoryKey, "outpost-backups/v1 chunk names");
        _chunkKey = Derive(repositoryKey, "outpost-backups/v1 chunks");
        _indexKey = Derive(repositoryKey, "outpost-backups/v1 snapshots");
        Check = Convert.ToHexStringLower(Derive(repositoryKey, "outpost-backups/v1 key check")[..16]);
    }

    /// <summary>Bytes a sealed chunk or index adds to its plaintext.</summary>
    public const int Overhead = 4 + NonceSize + TagSize;

    /// <summary>A check value of the repository key, stored in its key files.</summary>
    public string Check { get; }

    /// <summary>The chunk's name: 64 hex digits of HMAC-SHA256 under the name key.</summary>
    public string ChunkName(ReadOnlySpan<byte> plaintext) => Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey, plaintext));

    public byte[] SealChunk(string name, ReadOnlySpan<byte> plaintext) => Seal(_chunkKey, ChunkMagic, name, plaintext);

    /// <summary>Opens a chunk and checks that its content is what its name says; throws <see cref="BackupException"/> otherwise.</summary>
    public byte[] OpenChunk(string name, ReadOnlySpan<byte> sealedChunk)
    {
        var plaintext = Open(_chunkKey, ChunkMagic, name, sealedChunk)
            ?? throw new BackupException($"chunk {name} is damaged or was modified (it does not authenticate)");
        if (ChunkName(plaintext) != name)
        {
            throw new BackupException($"chunk {name} does not hold the data its name says");
        }

        return plaintext;
    }

    public byte[] SealIndex(string id, ReadOnlySpan<byte> json) => Seal(_indexKey, IndexMagic, id, json);

    public byte[] OpenIndex(string id, ReadOnlySpan<byte> sealedIndex) =>
        Open(_indexKey, IndexMagic, id, sealedIndex)
        ?? throw new BackupException($"snapshot {id}'s index is damaged or was modified (it does not authenticate)");

    private static byte[] Seal(byte[] key, byte[] magic, string name, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Overhead + plaintext.Length];
        magic.CopyTo(output, 0);
        var nonce = output.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(4 + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), Encoding.UTF8.GetBytes(name));
        return output;
    }

    private static byte[]? Open(byte[] key, byte[] magic, string name, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < Overhead || !sealedData[..4].SequenceEqual(magic))
        {
            return null;
        }

        var plaintext = new byte[sealedData.Length - Overhead];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedData.Slice(4, NonceSize), sealedData.Slice(4 + NonceSize, plaintext.Length), sealedData[^TagSize..], plaintext, Encoding.UTF8.GetBytes(name));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Derive(byte[] key, string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes(purpose));
}
