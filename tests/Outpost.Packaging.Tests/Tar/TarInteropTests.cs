using System.Formats.Tar;
using System.Text;

namespace Outpost.Packaging.Tests.Tar;

/// <summary>The reader follows the POSIX format, not just the library's own writer.</summary>
public sealed class TarInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_ArchiveFromSystemFormatsTarPaxWriter_IsAccepted()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(TestManifests.MinimalBytes), Mode = (UnixFileMode)0x1A4 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "root/") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "root/app") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "root/app/run") { DataStream = new MemoryStream("#!/bin/sh\n"u8.ToArray()), Mode = (UnixFileMode)0x1ED });
            var longName = "root/app/" + new string('n', 150) + "-é";
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, longName) { DataStream = new MemoryStream("long"u8.ToArray()), Mode = (UnixFileMode)0x1A4 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "root/app/link") { LinkName = "run" });
        }

        var path = TarBuilder.Write(_dir.Path, _key, OpkFile.Gzip(tar.ToArray()));
        var target = _dir["extracted"];

        var info = await PackageExtractor.ExtractAsync(path, target, new PackageLimits(), []);

        Assert.Equal(_key.AppId, info.AppId);
        Assert.Equal("long", File.ReadAllText(Path.Combine(target, "root/app", new string('n', 150) + "-é"), Encoding.UTF8));
        Assert.Equal("run", new FileInfo(Path.Combine(target, "root/app/link")).LinkTarget);
    }

    [Fact]
    public void PaxRecords_FormatThenParse_RoundTripsLengthPrefixes()
    {
        var records = new Dictionary<string, string>
        {
            ["path"] = new string('p', 95),
            ["linkpath"] = "é",
            ["size"] = "12345678901",
        };

        var parsed = PaxRecords.Parse(PaxRecords.Format(records));

        Assert.Equal(records, parsed);
    }
}
