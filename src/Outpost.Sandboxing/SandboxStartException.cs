namespace Outpost.Sandboxing;

/// <summary>A sandbox failed to start; the message says why and ends with the last lines of the grain log.</summary>
public sealed class SandboxStartException : Exception
{
    /// <summary>Creates the exception with no detail.</summary>
    public SandboxStartException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public SandboxStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the failure that caused it.</summary>
    public SandboxStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
