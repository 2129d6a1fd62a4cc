using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outpost.Server.Accounts;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Shell.EndToEndTests.Accounts;
using Outpost.Shell.EndToEndTests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Outpost.Shell.EndToEndTests.RealApps;

/// <summary>
/// Real, unmodified open-source apps packed from their recipes, installed and used through the shell in Chromium the
/// way a person would: their own user interface inside the grain frame, and their work still there after the grain's
/// sandbox is stopped and started again.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class RealAppTests(Chromium chromium)
{
    [Fact]
    public async Task TiddlyWiki_NewTiddler_IsStillThereAfterTheGrainRestarts()
    {
        await using var host = await OutpostHost.StartAsync();
        var wiki = await RealAppPackages.TiddlyWikiAsync();
        var (page, context) = await SignedInAdminAsync(host);
        await using var _ = context;

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.InstallAsync(page, wiki.File, wiki.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, wiki.Info.AppId, "new");
            var frame = ShellPages.GrainFrame(page);

            await frame.Locator("button[aria-label='new tiddler']").ClickAsync();
            var title = frame.Locator("input.tc-titlebar");
            await title.FillAsync("Packing list");
            await frame.FrameLocator("iframe.tc-edit-texteditor-body").Locator("textarea").FillAsync("Tent, stove and a good map");
            await frame.Locator("button[aria-label='Confirm changes to this tiddler']").ClickAsync();
            await Expect(frame.Locator(".tc-tiddler-view-frame .tc-titlebar", new() { HasText = "Packing list" })).ToBeVisibleAsync();

            // TiddlyWiki saves in the background; the tiddler file in the grain's storage says it arrived.
            var file = Path.Combine(host.Paths.GrainStorage(grainId), "wiki", "tiddlers", "Packing list.tid");
            await Wait.UntilAsync(() => Task.FromResult(File.Exists(file)), TimeSpan.FromSeconds(30), "TiddlyWiki to save the tiddler");
            await host.StopGrainAsync(grainId);

            await page.ReloadAsync();
            var search = frame.Locator("input[type=search]").First;
            await search.FillAsync("Packing");
            await frame.Locator(".tc-search-results a", new() { HasText = "Packing list" }).First.ClickAsync();
            await Expect(frame.Locator(".tc-tiddler-body", new() { HasText = "Tent, stove and a good map" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task NodeRed_DeployedFlow_IsStillThereAfterTheGrainRestarts()
    {
        await using var host = await OutpostHost.StartAsync();
        var nodeRed = await RealAppPackages.NodeRedAsync();
        var (page, context) = await SignedInAdminAsync(host);
        await using var _ = context;

        await Evidence.OnFailureAsync(page, async () =>
        {
            await ShellPages.InstallAsync(page, nodeRed.File, nodeRed.Info.AppId);
            var grainId = await ShellPages.NewGrainAsync(page, nodeRed.Info.AppId, "new");
            var editor = ShellPages.GrainFrame(page);
            await Expect(editor.Locator("#red-ui-palette .red-ui-palette-node").First).ToBeVisibleAsync(new() { Timeout = 60_000 });

            // Import a flow as a person pastes one (Menu > Import), then press Deploy.
            await editor.Locator("#red-ui-header-button-sidemenu").ClickAsync();
            await editor.Locator("#menu-item-import").ClickAsync();
            var importText = editor.Locator("#red-ui-clipboard-dialog-import-text");
            await importText.FillAsync(GreeterFlow);
            await importText.PressAsync("End"); // the dialog checks the JSON on a key press
            await editor.Locator("#red-ui-clipboard-dialog-ok").ClickAsync();
            await Expect(editor.Locator("#red-ui-workspace-tabs", new() { HasText = "Greeter" })).ToBeVisibleAsync();
            await editor.Locator("#red-ui-header-button-deploy").ClickAsync();
            await Expect(editor.Locator(".red-ui-notification", new() { HasText = "Successfully deployed" })).ToBeVisibleAsync();

            var flows = Path.Combine(host.Paths.GrainStorage(grainId), "node-red", "flows.json");
            Assert.Contains("Greeter", await File.ReadAllTextAsync(flows), StringComparison.Ordinal);
            await host.StopGrainAsync(grainId);

            await page.ReloadAsync();
            await editor.Locator("#red-ui-workspace-tabs a", new() { HasText = "Greeter" }).ClickAsync();
            await Expect(editor.Locator("#red-ui-workspace-chart .red-ui-flow-node-group")).ToHaveCountAsync(3);
            await Expect(editor.Locator("#red-ui-header-button-deploy")).ToHaveClassAsync(new Regex("disabled"));
        });
    }

    private const string GreeterFlow = """
        [
          { "id": "e2etab", "type": "tab", "label": "Greeter" },
          { "id": "e2ein", "type": "http in", "z": "e2etab", "url": "/hello", "method": "get", "x": 140, "y": 80, "wires": [["e2eset"]] },
          { "id": "e2eset", "type": "change", "z": "e2etab", "rules": [{ "t": "set", "p": "payload", "pt": "msg", "to": "hello", "tot": "str" }], "x": 340, "y": 80, "wires": [["e2eout"]] },
          { "id": "e2eout", "type": "http response", "z": "e2etab", "x": 520, "y": 80, "wires": [] }
        ]
        """;

    private async Task<(IPage Page, IBrowserContext Context)> SignedInAdminAsync(OutpostHost host)
    {
        var setupUrl = host.Services.GetRequiredService<SetupLink>().UrlFor(host.BaseUrl.ToString())!;
        var context = await chromium.NewContextAsync(host.BaseUrl);
        var page = await context.NewPageAsync();
        await ShellPages.SetUpAsync(page, setupUrl, Person.Admin);
        return (page, context);
    }
}
