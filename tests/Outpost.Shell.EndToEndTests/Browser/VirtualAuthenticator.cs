using System.Text.Json;
using Microsoft.Playwright;

namespace Outpost.Shell.EndToEndTests.Browser;

/// <summary>
/// A platform authenticator (like a laptop's fingerprint reader) built into Chromium and driven over the DevTools
/// protocol's WebAuthn domain: it answers <c>navigator.credentials.create/get</c> on one page (tab), with the
/// person's presence and verification always given, and keeps its passkeys across that tab's navigations.
/// </summary>
internal sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;
    private readonly string _id;

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        _id = id;
    }

    public static async Task<VirtualAuthenticator> AttachAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var id = added?.GetProperty("authenticatorId").GetString() ?? throw new InvalidOperationException("Chromium returned no authenticator id.");
        return new VirtualAuthenticator(cdp, id);
    }

    /// <summary>The passkeys the authenticator holds (for any site).</summary>
    public async Task<int> CredentialCountAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = _id });
        return result?.GetProperty("credentials") is { ValueKind: JsonValueKind.Array } credentials ? credentials.GetArrayLength() : 0;
    }
}
