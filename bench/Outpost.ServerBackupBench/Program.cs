using System.Globalization;
using Outpost.ServerBackupBench;

// Whole-server backup of a real gocryptfs grain volume: full, then after 1 % changed, against cp -a and rsync -a.
// Usage (as root, for FUSE): dotnet run -c Release --project bench/Outpost.ServerBackupBench -- [MiB, default 1024]
// Needs gocryptfs, fuse3 and rsync (scripts/install-deps --test).
await ServerBackupRun.RunAsync(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024);
