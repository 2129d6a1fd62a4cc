namespace Outpost.Server.Transfer;

/// <summary>A transfer step failed; the message says why and what to do, and never holds the token.</summary>
public sealed class TransferException(string message, Exception? inner = null) : Exception(message, inner);
