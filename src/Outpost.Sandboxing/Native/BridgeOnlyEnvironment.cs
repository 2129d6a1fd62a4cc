namespace Outpost.Sandboxing.Native;

/// <summary>Environment variables meant for the bridge itself; the bridge strips them before starting the app.</summary>
internal static class BridgeOnlyEnvironment
{
    /// <summary>.NET runtime switch: complete socket operations inline on the event thread.</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
}
