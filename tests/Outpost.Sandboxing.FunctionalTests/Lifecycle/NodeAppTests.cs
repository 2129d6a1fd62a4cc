using System.Security.Cryptography;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Lifecycle;

/// <summary>A real Node.js 20 app behind the bridge: the allow-list is enough for Node, and HTTP crosses the bridge intact.</summary>
public sealed class NodeAppTests
{
    [Fact]
    public async Task Get_NodeHelloServer_AnswersThroughTheBridge()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await StartNodeAsync(env);

        Assert.StartsWith("hello from node v20.", await SandboxTestEnvironment.GetAsync(sandbox, "/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_LargeBody_IsEchoedByteForByte()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await StartNodeAsync(env);
        var body = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        using var client = SandboxTestEnvironment.CreateClient(sandbox);

        using var response = await client.PostAsync("/echo", new ByteArrayContent(body));
        var echoed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), response.Headers.GetValues("x-sha256").Single());
        Assert.Equal(body, echoed);
    }

    [Fact]
    public async Task Get_KeepAliveAndStreaming_AllRequestsAnsweredOnSharedConnections()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await StartNodeAsync(env);
        using var client = SandboxTestEnvironment.CreateClient(sandbox);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n", await client.GetStringAsync("/stream"));
        }
    }

    [Fact]
    public async Task Get_FileSystemThroughLibuvThreadPool_WritesGrainStorage()
    {
        await using var env = new SandboxTestEnvironment();
        var sandbox = await StartNodeAsync(env);

        Assert.Equal("persisted", await SandboxTestEnvironment.GetAsync(sandbox, "/fs"));
        Assert.Equal("persisted", await File.ReadAllTextAsync(Path.Combine(env.StorageDir, "node.txt")));
    }

    internal static Task<ISandboxProcess> StartNodeAsync(SandboxTestEnvironment env, byte[]? logKey = null) =>
        env.StartAsync(env.HostileSpec() with
        {
            PackageRoot = TestApps.NodeRoot,
            Command = "/usr/bin/node",
            Args = ["/app/server.js"],
            Environment = new Dictionary<string, string> { ["PORT"] = SandboxTestEnvironment.AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            LogKey = logKey,
        });
}
