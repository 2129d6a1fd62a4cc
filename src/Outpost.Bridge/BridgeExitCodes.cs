namespace Outpost.Bridge;

/// <summary>Exit codes of the bridge itself; any other code is the app's own.</summary>
internal static class BridgeExitCodes
{
    /// <summary>Bad command line (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The unix socket could not be created (EX_CANTCREAT).</summary>
    public const int CannotCreateSocket = 73;

    /// <summary>The app could not be started, as a shell reports a missing command.</summary>
    public const int CannotStartApp = 127;
}
