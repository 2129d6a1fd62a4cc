namespace Outpost.Sandboxing.FunctionalTests.Infrastructure;

/// <summary>Linux errno values the hostile app reports as "errno N".</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EROFS = 30;
    public const int ENOSYS = 38;
    public const int EAFNOSUPPORT = 97;
    public const int ENETUNREACH = 101;
    public const int ECONNREFUSED = 111;

    /// <summary>The hostile app's answer for a failed call.</summary>
    public static string Failed(int errno) => $"errno {errno}";
}
