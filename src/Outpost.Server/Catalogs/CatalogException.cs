namespace Outpost.Server.Catalogs;

/// <summary>A catalog or one of its packages was refused; the message says why, for the admin.</summary>
public sealed class CatalogException : Exception
{
    /// <summary>Creates the exception with a message for the admin.</summary>
    public CatalogException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
