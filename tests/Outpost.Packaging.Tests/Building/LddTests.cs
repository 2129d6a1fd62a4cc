namespace Outpost.Packaging.Tests.Building;

public sealed class LddTests
{
    [Fact]
    public void Parse_DynamicExecutable_ReturnsLibrariesAndLoader()
    {
        const string output = """
            	linux-vdso.so.1 (0x00007ffd5b9f1000)
            	libstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0605a00000)
            	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f060573e000)
            	/lib64/ld-linux-x86-64.so.2 (0x00007f0605cc4000)
            """;

        var libraries = Ldd.Parse("/usr/bin/x", output, "", 0);

        Assert.Equal(["/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"], libraries);
    }

    [Fact]
    public void Parse_LibraryNotFound_ThrowsNamingIt()
    {
        var e = Assert.Throws<PackageException>(() => Ldd.Parse("/usr/bin/x", "\tlibmissing.so.3 => not found\n", "", 0));

        Assert.Contains("'/usr/bin/x' needs libmissing.so.3, which ldd cannot find", e.Message);
    }

    [Theory]
    [InlineData("\tstatically linked\n", "", 0)]
    [InlineData("", "\tnot a dynamic executable\n", 1)]
    public void Parse_NotDynamic_ReturnsNothing(string stdout, string stderr, int exitCode)
    {
        Assert.Empty(Ldd.Parse("/usr/bin/x", stdout, stderr, exitCode));
    }

    [Fact]
    public void Parse_Failure_Throws()
    {
        var e = Assert.Throws<PackageException>(() => Ldd.Parse("/usr/bin/x", "", "ldd: boom", 1));

        Assert.Contains("ldd failed on '/usr/bin/x': ldd: boom", e.Message);
    }

    [Fact]
    public async Task DependenciesAsync_ShellScript_ReturnsNothing()
    {
        using var dir = new TempDirectory();
        var script = PackFolder.WriteFile(dir.Path, "script.sh", "#!/bin/sh\n", executable: true);

        Assert.Empty(await Ldd.DependenciesAsync(script, default));
    }
}
