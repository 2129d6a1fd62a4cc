namespace Outpost.Sandboxing.Native;

/// <summary>Resolves a command name to an absolute path the way a shell would, so failures are reported up front.</summary>
internal static class ExecutableResolver
{
    public static string Resolve(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(command);
            return File.Exists(full) ? full : throw new FileNotFoundException($"{full} does not exist", full);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]))
        {
            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{command} was not found on PATH", command);
    }
}
