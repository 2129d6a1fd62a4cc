namespace Outpost.Packaging;

/// <summary>
/// A backup cannot be written, read or restored. The message says what is wrong in words the person holding the
/// backup can act on ("wrong passphrase", "damaged at byte N", "needs app X version N").
/// </summary>
public sealed class BackupException : Exception
{
    /// <summary>Creates the exception with a message for the person who supplied the backup.</summary>
    public BackupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level error that caused it.</summary>
    public BackupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
