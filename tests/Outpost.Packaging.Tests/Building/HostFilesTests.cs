using System.Diagnostics;

namespace Outpost.Packaging.Tests.Building;

public sealed class HostFilesTests : IDisposable
{
    private const string Node = "/usr/bin/node";

    private readonly TempDirectory _dir = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PackAsync_HostFilesNode_PacksNodeItsLibrariesAndLoaderAsRealFiles()
    {
        Assert.True(File.Exists(Node), $"this test needs {Node}");
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(hostFiles: [Node]), m =>
        {
            m["command"] = new System.Text.Json.Nodes.JsonObject { ["path"] = Node, ["args"] = new System.Text.Json.Nodes.JsonArray("/app/server.js") };
        });
        PackFolder.WriteFile(source, "server.js", "console.log('hi')");
        var expected = await LddPathsAsync(Node);
        Assert.Contains(expected, p => p.Contains("ld-linux", StringComparison.Ordinal));
        Assert.Contains(expected, p => p.EndsWith("/libc.so.6", StringComparison.Ordinal));

        await PackageBuilder.PackAsync(source, _key, _dir["node.opk"]);
        var target = _dir["extracted"];
        await PackageExtractor.ExtractAsync(_dir["node.opk"], target, new PackageLimits(), Rejection.MountPoints);

        foreach (var path in expected.Append(Node))
        {
            var packaged = new FileInfo(Path.Combine(target, "root") + path);
            Assert.True(packaged.Exists, path);
            Assert.Null(packaged.LinkTarget);
            Assert.Equal(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is FileInfo real ? real.Length : new FileInfo(path).Length, packaged.Length);
        }

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(target, "root/usr/bin/node")));
        Assert.True(File.Exists(Path.Combine(target, "root/app/server.js")));
    }

    [Fact]
    public async Task PackAsync_HostFileSymlink_IsPackedAsTheFileItPointsTo()
    {
        var host = _dir.Sub("host");
        var real = PackFolder.WriteFile(host, "real.sh", "#!/bin/sh\n", executable: true);
        var link = Path.Combine(host, "link.sh");
        File.CreateSymbolicLink(link, "real.sh");
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(hostFiles: [link]));
        var target = _dir["extracted"];

        await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        await PackageExtractor.ExtractAsync(_dir["app.opk"], target, new PackageLimits(), []);

        var packaged = new FileInfo(Path.Combine(target, "root") + link);
        Assert.Null(packaged.LinkTarget);
        Assert.Equal(File.ReadAllText(real), File.ReadAllText(packaged.FullName));
        Assert.Equal((UnixFileMode)0x1ED, packaged.UnixFileMode);
        Assert.False(File.Exists(Path.Combine(target, "root") + real));
    }

    [Fact]
    public async Task PackAsync_HostDirectory_CopiesTreeDereferencesFilesAndKeepsDirectoryLinksRelative()
    {
        var host = _dir.Sub("host");
        PackFolder.WriteFile(host, "share/data/a.txt", "a");
        PackFolder.WriteFile(host, "share/data/sub/b.txt", "b");
        PackFolder.WriteFile(host, "elsewhere/c.txt", "c");
        File.CreateSymbolicLink(Path.Combine(host, "share/data/c-link.txt"), Path.Combine(host, "elsewhere/c.txt"));
        File.CreateSymbolicLink(Path.Combine(host, "share/data/sub-abs"), Path.Combine(host, "share/data/sub"));
        File.CreateSymbolicLink(Path.Combine(host, "share/data/sub-rel"), "sub");
        var directory = Path.Combine(host, "share/data");
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(hostFiles: [directory]));
        var target = _dir["extracted"];

        await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);
        await PackageExtractor.ExtractAsync(_dir["app.opk"], target, new PackageLimits(), []);

        var packaged = Path.Combine(target, "root") + directory;
        Assert.Equal("a", File.ReadAllText(Path.Combine(packaged, "a.txt")));
        Assert.Equal("b", File.ReadAllText(Path.Combine(packaged, "sub/b.txt")));
        Assert.Null(new FileInfo(Path.Combine(packaged, "c-link.txt")).LinkTarget);
        Assert.Equal("c", File.ReadAllText(Path.Combine(packaged, "c-link.txt")));
        Assert.Equal("sub", new FileInfo(Path.Combine(packaged, "sub-abs")).LinkTarget);
        Assert.Equal("sub", new FileInfo(Path.Combine(packaged, "sub-rel")).LinkTarget);
    }

    [Fact]
    public async Task PackAsync_FileListedAloneAndWithItsDirectory_IsPackedOnce()
    {
        var host = _dir.Sub("host");
        var file = PackFolder.WriteFile(host, "tool", "x");
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(hostFiles: [file, host]));

        var info = await PackageBuilder.PackAsync(source, _key, _dir["app.opk"]);

        Assert.Equal(_key.AppId, info.AppId);
    }

    [Fact]
    public async Task PackAsync_HostFileBelowAPackedDirectoryLink_Throws()
    {
        var host = _dir.Sub("host");
        var file = PackFolder.WriteFile(host, "real/tool", "x");
        File.CreateSymbolicLink(Path.Combine(host, "link"), "real");
        var source = PackFolder.Create(_dir["src"], PackFolder.Pack(hostFiles: [host, Path.Combine(host, "link/tool")]));

        var e = await Assert.ThrowsAsync<PackageException>(() => PackageBuilder.PackAsync(source, _key, _dir["app.opk"]));

        Assert.Contains($"the package already has a symlink to 'real' there", e.Message);
    }

    private static async Task<List<string>> LddPathsAsync(string elf)
    {
        using var ldd = Process.Start(new ProcessStartInfo("ldd", [elf]) { RedirectStandardOutput = true })!;
        var output = await ldd.StandardOutput.ReadToEndAsync();
        await ldd.WaitForExitAsync();
        return [.. output.Split('\n')
            .Select(line => line.Trim())
            .Select(line => line.Contains("=>", StringComparison.Ordinal) ? line[(line.IndexOf("=>", StringComparison.Ordinal) + 2)..].Trim() : line)
            .Where(line => line.StartsWith('/'))
            .Select(line => line[..line.IndexOf(" (", StringComparison.Ordinal)])];
    }
}
