using System.Net;
using System.Text;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.RealApps;

/// <summary>
/// Node-RED from npm, unmodified, in the real sandbox behind a real session host, driven through its admin HTTP API
/// (the one its editor uses to deploy): an editor deploys a flow that then answers HTTP, a viewer cannot deploy, and
/// the flow is still deployed and running after the grain restarts.
/// </summary>
public sealed class NodeRedTests
{
    private const string GreeterFlow = """
        [
          { "id": "tab1", "type": "tab", "label": "Greeter" },
          { "id": "in1", "type": "http in", "z": "tab1", "url": "/hello", "method": "get", "wires": [["set1"]] },
          { "id": "set1", "type": "change", "z": "tab1", "rules": [{ "t": "set", "p": "payload", "pt": "msg", "to": "hello from a deployed flow", "tot": "str" }], "wires": [["out1"]] },
          { "id": "out1", "type": "http response", "z": "tab1", "wires": [] }
        ]
        """;

    [Fact]
    public async Task Flows_EditorDeploysViewerCannot_AndTheFlowRunsAfterRestart()
    {
        await using var host = await OutpostHost.StartAsync();
        using var grain = await RealAppSteps.GrainWithViewerAsync(host, RealAppPackages.NodeRedAsync(), "Home automation");

        using var editor = await grain.Owner.Http.GetAsync(grain.OwnerOrigin);
        using var deployed = await DeployAsync(grain.Owner, grain.OwnerOrigin, GreeterFlow);
        using var refused = await DeployAsync(grain.Bob.Browser, grain.BobOrigin, "[]");
        var greeting = await FlowAnswerAsync(grain.Owner, grain.OwnerOrigin, "hello");

        await Ensure.SuccessAsync(editor);
        Assert.Contains("Node-RED", await editor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Ensure.SuccessAsync(deployed);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("hello from a deployed flow", greeting);
        Assert.Contains("Greeter", await GetTextAsync(grain.Bob.Browser, grain.BobOrigin, "flows"), StringComparison.Ordinal);

        await host.StopGrainAsync(grain.GrainId);

        Assert.Equal("hello from a deployed flow", await FlowAnswerAsync(grain.Owner, grain.OwnerOrigin, "hello"));
        Assert.Contains("Greeter", await GetTextAsync(grain.Owner, grain.OwnerOrigin, "flows"), StringComparison.Ordinal);
        var storage = Path.Combine(host.Paths.GrainStorage(grain.GrainId), "node-red");
        Assert.True(File.Exists(Path.Combine(storage, "flows.json")));
        Assert.Equal(64, File.ReadAllText(Path.Combine(storage, ".credential-secret")).Trim().Length);
    }

    // What the editor's Deploy button sends: the whole flow set, API v2.
    private static async Task<HttpResponseMessage> DeployAsync(BrowserClient browser, Uri origin, string flowsJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(origin, "flows"))
        {
            Content = new StringContent($$"""{ "flows": {{flowsJson}} }""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Node-RED-API-Version", "v2");
        request.Headers.Add("Node-RED-Deployment-Type", "full");
        return await browser.Http.SendAsync(request);
    }

    /// <summary>
    /// What a flow's HTTP endpoint answers. Node-RED opens its port (and so counts as started) before it has started
    /// the flows, and a deploy returns before their routes exist, so the route may answer 404 for a moment.
    /// </summary>
    private static async Task<string> FlowAnswerAsync(BrowserClient browser, Uri origin, string path)
    {
        await Wait.UntilAsync(async () =>
        {
            using var response = await browser.Http.GetAsync(new Uri(origin, path));
            return response.StatusCode != HttpStatusCode.NotFound;
        }, TimeSpan.FromSeconds(60), $"the flow to answer /{path}");
        return await GetTextAsync(browser, origin, path);
    }

    private static async Task<string> GetTextAsync(BrowserClient browser, Uri origin, string path)
    {
        using var response = await browser.Http.GetAsync(new Uri(origin, path));
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadAsStringAsync();
    }
}
