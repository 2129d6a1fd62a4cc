using System.Diagnostics;
using System.Globalization;
using Outpost.Sandboxing.Native.Cgroups;
using Outpost.Sandboxing.Native.Seccomp;

namespace Outpost.Sandboxing.Native;

/// <summary>
/// Starts bwrap through a tiny /bin/sh launcher that opens the seccomp program for bwrap, joins the
/// sandbox's cgroups, then (as root) drops to the grain's host uid, and only then execs bwrap.
/// </summary>
internal static class SandboxLauncher
{
    /// <summary>The launcher's own failure (cgroup join, seccomp file), distinct from any app exit code.</summary>
    public const int LauncherFailed = 125;

    // $1 = seccomp program file, $2 = number of cgroup.procs files, then the files, then the command.
    // The program file is opened and unlinked first, so it never outlives the launcher. Joining the
    // cgroups in the launcher, before exec, means not one instruction of the sandbox runs outside its
    // limits; writing "$$" works for the launcher whatever uid it is about to become.
    private static readonly string Script = string.Join('\n',
        "bpf=$1; n=$2; shift 2",
        "exec " + BwrapArguments.SeccompFd.ToString(CultureInfo.InvariantCulture) + "< \"$bpf\" || exit " + LauncherFailed.ToString(CultureInfo.InvariantCulture),
        "rm -f \"$bpf\"",
        "while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit " + LauncherFailed.ToString(CultureInfo.InvariantCulture) + "; n=$((n - 1)); shift; done",
        "exec \"$@\"");

    public static async Task<Process> StartAsync(SandboxSpec spec, string bwrap, BridgeRuntime bridge, SandboxCgroup? cgroup)
    {
        // The program is written to a private file that the launcher opens and unlinks: a descriptor is
        // how bwrap takes it, and .NET passes no descriptors but stdio to children.
        var bpf = Path.Combine(Path.GetTempPath(), $"outpost-seccomp-{spec.InstanceName}-{Guid.NewGuid():N}.bpf");
        // CreateNew: never follow a link someone planted in the shared temporary directory.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var file = new FileStream(bpf, options))
        {
            await file.WriteAsync(SeccompFilter.Program);
        }

        try
        {
            var info = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            // Nothing of Outpost's environment reaches even the launcher (bwrap clears it again inside).
            info.Environment.Clear();
            info.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";

            var procsFiles = cgroup?.ProcsFiles.ToList() ?? [];
            string[] head = ["-c", Script, "outpost-launcher", bpf, procsFiles.Count.ToString(CultureInfo.InvariantCulture)];
            foreach (var argument in head.Concat(procsFiles).Concat(DropPrivileges(spec.HostUid)).Append(bwrap).Concat(BwrapArguments.Build(spec, bridge)))
            {
                info.ArgumentList.Add(argument);
            }

            var process = await ProcessSpawner.StartAsync(info);

            // The app gets an empty stdin, never the host's.
            process.StandardInput.Close();
            return process;
        }
        catch
        {
            File.Delete(bpf);
            throw;
        }
    }

    /// <summary>
    /// As root: become the grain's own unprivileged host user before bwrap runs, so that even a process
    /// that escaped every namespace is an ordinary user with no supplementary groups and no capabilities.
    /// </summary>
    private static IEnumerable<string> DropPrivileges(int? hostUid)
    {
        if (hostUid is not int uid)
        {
            return [];
        }

        var id = uid.ToString(CultureInfo.InvariantCulture);
        return [ExecutableResolver.Resolve("setpriv"), "--reuid", id, "--regid", id, "--clear-groups",
            "--bounding-set", "-all", "--inh-caps", "-all", "--no-new-privs", "--"];
    }
}
