namespace Outpost.Sandboxing.Native.Cgroups;

/// <summary>The sandbox's resource limits cannot be put in place.</summary>
internal sealed class CgroupUnavailableException : Exception
{
    public CgroupUnavailableException()
    {
    }

    public CgroupUnavailableException(string message)
        : base(message)
    {
    }

    public CgroupUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
