using Outpost.Sandboxing.Native;

namespace Outpost.Sandboxing.FunctionalTests.Units;

public sealed class BridgeRuntimeTests
{
    [Fact]
    public void ParseList_LoaderOutput_ReturnsResolvedLibraries()
    {
        const string Output = "\tlinux-vdso.so.1 (0x00007ffd)\n"
            + "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f2c)\n"
            + "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2b)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 (0x00007f2c)\n";

        var libraries = BridgeRuntime.ParseList(Output);

        Assert.Equal(
            [new BridgeLibrary("libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"), new BridgeLibrary("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6")],
            libraries);
    }

    [Fact]
    public void Resolve_BuiltBridge_RunsThroughTheHostLoader()
    {
        var runtime = BridgeRuntime.Resolve(Path.Combine(AppContext.BaseDirectory, "outpost-bridge"));

        Assert.NotNull(runtime.LoaderPath);
        Assert.Equal("/run/outpost-bridge/" + Path.GetFileName(runtime.LoaderPath), runtime.Command[0]);
        Assert.Equal(["--library-path", "/run/outpost-bridge", "/run/outpost-bridge/outpost-bridge"], runtime.Command.Skip(1));
        Assert.Contains(runtime.Libraries, l => l.Name == "libc.so.6");
    }
}
