using System.Text;

namespace Outpost.Packaging.Tests;

/// <summary>
/// Builds tar archives entry by entry for reader tests, including entries no honest tool writes. Starts from a
/// valid package (manifest, root/, root/app/, an executable root/app/run) unless asked for an empty one.
/// </summary>
internal sealed class TarBuilder
{
    private readonly MemoryStream _tar = new();
    private readonly TarEntryWriter _writer;

    private TarBuilder() => _writer = new TarEntryWriter(_tar);

    /// <summary>An archive with no entries yet.</summary>
    public static TarBuilder Empty() => new();

    /// <summary>A valid package's entries; add more to make it hostile.</summary>
    public static TarBuilder Valid(string manifest = TestManifests.Minimal) =>
        Empty().File("manifest.json", manifest, 0x1A4).Dir("root").Dir("root/app").File("root/app/run", "#!/bin/sh\n", 0x1ED);

    public TarBuilder File(string name, string content, int mode = 0x1A4) => File(name, Encoding.UTF8.GetBytes(content), mode);

    public TarBuilder File(string name, byte[] content, int mode = 0x1A4)
    {
        _writer.WriteFileAsync(name, mode, new MemoryStream(content), content.Length, default).AsTask().GetAwaiter().GetResult();
        return this;
    }

    public TarBuilder Dir(string name, int mode = 0x1ED) =>
        Header(name, TarEntryHeader.Directory, mode, 0);

    public TarBuilder Symlink(string name, string target) =>
        Header(name, TarEntryHeader.SymbolicLink, 0x1FF, 0, target);

    /// <summary>Any header, data not included (see <see cref="Data"/>).</summary>
    public TarBuilder Header(string name, byte type, int mode, long size, string link = "", params KeyValuePair<string, string>[] pax)
    {
        _writer.WriteHeaderAsync(name, type, mode, size, link, default, pax).AsTask().GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Raw bytes, padded to the 512-byte block size.</summary>
    public TarBuilder Data(byte[] data)
    {
        _tar.Write(data);
        _tar.Write(new byte[(512 - (data.Length % 512)) % 512]);
        return this;
    }

    /// <summary>Changes the last header block written with <paramref name="patch"/> (checksum left as is).</summary>
    public TarBuilder PatchLastBlock(Action<byte[]> patch)
    {
        var block = new byte[512];
        _tar.Position = _tar.Length - 512;
        _tar.ReadExactly(block);
        patch(block);
        _tar.Position = _tar.Length - 512;
        _tar.Write(block);
        return this;
    }

    /// <summary>The archive with its end-of-archive marker.</summary>
    public byte[] Build()
    {
        _writer.FinishAsync(default).AsTask().GetAwaiter().GetResult();
        return _tar.ToArray();
    }

    /// <summary>The archive as written so far, without an end marker.</summary>
    public byte[] BuildWithoutEnd() => _tar.ToArray();

    /// <summary>Gzips, signs and writes the archive as an .opk in <paramref name="directory"/>.</summary>
    public string WritePackage(string directory, SigningKey key) => Write(directory, key, OpkFile.Gzip(Build()));

    public static string Write(string directory, SigningKey key, byte[] payload)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():n}.opk");
        System.IO.File.WriteAllBytes(path, OpkFile.Assemble(payload, key));
        return path;
    }
}
