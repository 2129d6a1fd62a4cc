using System.CommandLine;
using Outpost.Packaging;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost keygen</c>, <c>pack</c> and <c>verify</c>: make and check app packages, offline.</summary>
internal static class PackagingCommands
{
    public static Command Keygen(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Where to write the new signing key (mode 0600)", Required = true };
        var command = new Command("keygen", "Create an app signing key. The app id is its public key: keep the file safe, only it can publish updates.") { output };
        command.SetAction(async result =>
        {
            using var key = SigningKey.Generate();
            key.Save(result.GetValue(output)!);
            await context.Output.WriteLineAsync($"app id: {key.AppId}");
            return 0;
        });
        return command;
    }

    public static Command Pack(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "App folder holding outpost.json" };
        var key = new Option<string>("--key") { Description = "Signing key file (from 'outpost keygen')", Required = true };
        var output = new Option<string>("--out") { Description = "Package file to write (.opk)", Required = true };
        var command = new Command("pack", "Build a signed package (.opk) from an app folder.") { dir, key, output };
        command.SetAction(async (result, ct) =>
        {
            using var signingKey = SigningKey.Load(result.GetValue(key)!);
            var info = await PackageBuilder.PackAsync(result.GetValue(dir)!, signingKey, result.GetValue(output)!, ct);
            await context.Output.WriteLineAsync($"packed {info.Manifest.Title} {info.Manifest.MarketingVersion} (version {info.Manifest.Version}), {info.Size / 1024.0 / 1024.0:F1} MiB");
            await context.Output.WriteLineAsync($"app id: {info.AppId}");
            await context.Output.WriteLineAsync($"sha256: {info.Sha256}");
            return 0;
        });
        return command;
    }

    public static Command Verify(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Package file (.opk)" };
        var command = new Command("verify", "Check a package's signature and contents without installing it.") { file };
        command.SetAction(async (result, ct) =>
        {
            var info = await PackageVerifier.VerifyAsync(result.GetValue(file)!, new PackageLimits(), ct);
            await context.Output.WriteLineAsync($"valid package: {info.Manifest.Title} {info.Manifest.MarketingVersion}");
            await context.Output.WriteLineAsync($"app id: {info.AppId}");
            await context.Output.WriteLineAsync($"version: {info.Manifest.Version}");
            await context.Output.WriteLineAsync($"sha256: {info.Sha256}");
            return 0;
        });
        return command;
    }
}
