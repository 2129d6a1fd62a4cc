using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Outpost.Packaging.Tests.Building;

public sealed class PackageBuilderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PackThenExtract_Folder_PreservesFilesModesAndRelativeSymlinks()
    {
        var source = PackFolder.Create(_dir["src"]);
        PackFolder.WriteFile(source, "lib/data.txt", "data");
        PackFolder.WriteFile(source, "bin/tool", "#!/bin/sh\n", executable: true);
        PackFolder.WriteFile(source, "empty.txt", "");
        Directory.CreateDirectory(Path.Combine(source, "emptydir"));
        File.CreateSymbolicLink(Path.Combine(source, "data-link"), "lib/data.txt");
        File.CreateSymbolicLink(Path.Combine(source, "lib-link"), "lib");
        File.CreateSymbolicLink(Path.Combine(source, "bin/up"), "../run");
        var opk = _dir["out/app.opk"];

        var packed = await PackageBuilder.PackAsync(source, _key, opk);
        var target = _dir["extracted"];
        var extracted = await PackageExtractor.ExtractAsync(opk, target, new PackageLimits(), Rejection.MountPoints);

        Assert.Equal(packed, extracted with { Manifest = packed.Manifest });
        var root = Path.Combine(target, "root");
        Assert.Equal("data", File.ReadAllText(Path.Combine(root, "app/lib/data.txt")));
        Assert.Equal("", File.ReadAllText(Path.Combine(root, "app/empty.txt")));
        Assert.True(Directory.Exists(Path.Combine(root, "app/emptydir")));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(root, "app/lib/data.txt")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(root, "app/bin/tool")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(root, "app/run")));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(root, "app/lib")));
        Assert.Equal("lib/data.txt", new FileInfo(Path.Combine(root, "app/data-link")).LinkTarget);
        Assert.Equal("lib", new FileInfo(Path.Combine(root, "app/lib-link")).LinkTarget);
        Assert.Equal("../run", new FileInfo(Path.Combine(root, "app/bin/up")).LinkTarget);
        Assert.Equal("data", File.ReadAllText(Path.Combine(root, "app/data-link")));
    }

    [Fact]
    public async Task PackAsync_Folder_ResultMatchesVerifier()
    {
        var source = PackFolder.Create(_dir["src"]);

        var packed = await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        var verified = await PackageVerifier.VerifyAsync(_dir["app.opk"], new PackageLimits());

        Assert.Equal(_key.AppId, packed.AppId);
        Assert.Equal((verified.AppId, verified.Sha256, verified.Size), (packed.AppId, packed.Sha256, packed.Size));
        Assert.Equal(Packaging.Manifest.Serialize(verified.Manifest), Packaging.Manifest.Serialize(packed.Manifest));
    }

    [Fact]
    public async Task PackAsync_SameFolderTwice_GivesIdenticalBytes()
    {
        var source = PackFolder.Create(_dir["src"]);
        PackFolder.WriteFile(source, "b/z.txt", "z");
        PackFolder.WriteFile(source, "a.txt", "a");
        PackFolder.WriteFile(source, "a-b/c.txt", "c");

        await PackageBuilder.PackAsync(source, _key, _dir["first.opk"]);
        File.SetLastWriteTimeUtc(Path.Combine(source, "a.txt"), new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await PackageBuilder.PackAsync(source, _key, _dir["second.opk"]);

        Assert.Equal(File.ReadAllBytes(_dir["first.opk"]), File.ReadAllBytes(_dir["second.opk"]));
    }

    [Fact]
    public async Task PackAsync_Folder_LeavesOutDotfilesOutpostJsonAndExcludes()
    {
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(exclude: ["logs", "**/*.tmp", "cache/*"]));
        PackFolder.WriteFile(source, ".env", "SECRET=1");
        PackFolder.WriteFile(source, ".git/config", "x");
        PackFolder.WriteFile(source, "sub/.hidden", "x");
        PackFolder.WriteFile(source, "logs/today.log", "x");
        PackFolder.WriteFile(source, "deep/er/scratch.tmp", "x");
        PackFolder.WriteFile(source, "cache/blob", "x");
        PackFolder.WriteFile(source, "keep/me.txt", "kept");
        var target = _dir["extracted"];

        await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        await PackageExtractor.ExtractAsync(_dir["app.opk"], target, new PackageLimits(), []);

        var files = Directory.EnumerateFileSystemEntries(Path.Combine(target, "root/app"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Path.Combine(target, "root/app"), p))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["cache", "deep", "deep/er", "keep", "keep/me.txt", "run", "sub"], files);
    }

    [Fact]
    public async Task PackAsync_OutpostJsonWithCommentsAndPackSection_PackagesCleanManifest()
    {
        var source = PackFolder.Create(_dir["src"]);
        var withComments = "// my app\n" + File.ReadAllText(Path.Combine(source, "outpost.json"))
            .Replace("\"port\":8000", "\"port\":8000, \"pack\": { \"exclude\": [\"x\"], },", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(source, "outpost.json"), withComments);
        var target = _dir["extracted"];

        await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        await PackageExtractor.ExtractAsync(_dir["app.opk"], target, new PackageLimits(), []);

        var json = File.ReadAllBytes(Path.Combine(target, "manifest.json"));
        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("pack", out _));
        Assert.Equal("Test App", Packaging.Manifest.Parse(json).Title);
    }

    [Fact]
    public async Task PackAsync_OutputInsideFolder_IsNotPackedIntoItself()
    {
        var source = PackFolder.Create(_dir["src"]);
        var opk = Path.Combine(source, "app.opk");
        await PackageBuilder.PackAsync(source, _key, opk);
        var first = new FileInfo(opk).Length;

        await PackageBuilder.PackAsync(source, _key, opk);

        Assert.Equal(first, new FileInfo(opk).Length);
        Assert.Equal(["app.opk", "outpost.json", "run"], Directory.EnumerateFileSystemEntries(source).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task PackAsync_MissingOutpostJson_Throws()
    {
        var source = _dir.Sub("src");

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains("has no outpost.json", e.Message);
    }

    [Fact]
    public async Task PackAsync_MissingFolder_Throws()
    {
        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(_dir["nope"], _key, _dir["app.opk"]));

        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task PackAsync_CommandNotInFolder_ThrowsAndWritesNothing()
    {
        var source = PackFolder.Create(_dir["src"]);
        File.Delete(Path.Combine(source, "run"));

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["out/app.opk"]));

        Assert.Equal("manifest: 'command.path' /app/run does not exist in the package", e.Message);
        Assert.False(Directory.Exists(_dir["out"]));
    }

    [Fact]
    public async Task PackAsync_CommandNotExecutable_Throws()
    {
        var source = PackFolder.Create(_dir["src"]);
        File.SetUnixFileMode(Path.Combine(source, "run"), (UnixFileMode)0x1A4);

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains("is not executable", e.Message);
        Assert.Contains("chmod +x", e.Message);
    }

    [Fact]
    public async Task PackAsync_InvalidManifest_ThrowsNamingField()
    {
        var source = PackFolder.Create(_dir["src"], editManifest: m => m["version"] = 0);

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Equal("manifest: 'version' must be an integer >= 1", e.Message);
    }

    [Fact]
    public async Task PackAsync_AbsoluteSymlinkInFolder_Throws()
    {
        var source = PackFolder.Create(_dir["src"]);
        File.CreateSymbolicLink(Path.Combine(source, "passwd"), "/etc/passwd");

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains("is an absolute path; use a relative target", e.Message);
    }

    [Fact]
    public async Task PackAsync_SymlinkLeavingPackage_Throws()
    {
        var source = PackFolder.Create(_dir["src"]);
        File.CreateSymbolicLink(Path.Combine(source, "up"), "../../../etc");

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains("points outside the package", e.Message);
    }

    [Fact]
    public async Task PackAsync_FifoInFolder_Throws()
    {
        var source = PackFolder.Create(_dir["src"]);
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(source, "pipe")))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains("is a fifo, socket or device", e.Message);
    }

    [Theory]
    [InlineData("{\"hostfiles\": []}", "manifest: unknown property 'pack.hostfiles'")]
    [InlineData("{\"hostFiles\": [\"usr/bin/node\"]}", "manifest: 'pack.hostFiles[0]' must be an absolute path")]
    [InlineData("{\"hostFiles\": [\"/usr/bin/../bin/node\"]}", "manifest: 'pack.hostFiles[0]' contains a '..' segment")]
    [InlineData("{\"hostFiles\": [\"/app/x\"]}", "manifest: 'pack.hostFiles[0]' cannot be '/' or inside /app")]
    [InlineData("{\"hostFiles\": [\"/\"]}", "manifest: 'pack.hostFiles[0]' cannot be '/'")]
    [InlineData("{\"hostFiles\": [\"/no/such/file\"]}", "pack.hostFiles: '/no/such/file' does not exist on this machine")]
    [InlineData("{\"exclude\": [\"/abs\"]}", "manifest: 'pack.exclude[0]' must be a non-empty path relative to the pack folder")]
    [InlineData("{\"exclude\": [\"a/../b\"]}", "manifest: 'pack.exclude[0]' must not contain empty, '.' or '..' segments")]
    [InlineData("[]", "manifest: 'pack' must be an object")]
    public async Task PackAsync_BadPackSection_Throws(string pack, string expected)
    {
        var source = PackFolder.Create(_dir["src"], editManifest: m => m["pack"] = System.Text.Json.Nodes.JsonNode.Parse(pack));

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackAsync_Payload_IsReadableByGnuTar()
    {
        var source = PackFolder.Create(_dir["src"]);
        PackFolder.WriteFile(source, string.Join('/', Enumerable.Repeat("long-directory-name", 8)) + "/file.txt", "deep");
        await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        File.WriteAllBytes(_dir["payload.tgz"], OpkFile.Payload(File.ReadAllBytes(_dir["app.opk"])));
        var output = _dir.Sub("gnu");

        using var tar = Process.Start(new ProcessStartInfo("tar", ["-xzf", _dir["payload.tgz"], "-C", output]) { RedirectStandardError = true })!;
        var stderr = await tar.StandardError.ReadToEndAsync();
        await tar.WaitForExitAsync();

        Assert.True(tar.ExitCode == 0, stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "run")), File.ReadAllBytes(Path.Combine(output, "root/app/run")));
        Assert.Equal("deep", File.ReadAllText(Path.Combine(output, "root/app", string.Join('/', Enumerable.Repeat("long-directory-name", 8)), "file.txt"), Encoding.UTF8));
        Assert.True(File.Exists(Path.Combine(output, "manifest.json")));
    }
}
