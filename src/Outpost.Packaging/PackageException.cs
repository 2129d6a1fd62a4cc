namespace Outpost.Packaging;

/// <summary>
/// A package, manifest, pack folder or signing key is unusable. The message says what is wrong and, where it helps,
/// what to do about it; it is meant to be shown to the person who supplied the input.
/// </summary>
public sealed class PackageException : Exception
{
    /// <summary>Creates the exception with a message for the person who supplied the input.</summary>
    public PackageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level error that caused it.</summary>
    public PackageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
