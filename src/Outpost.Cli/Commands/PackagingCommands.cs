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
        var npmCache = NpmCacheOption();
        var command = new Command("pack", "Build a signed package (.opk) from an app folder and its recipe (outpost.json).") { dir, key, output, npmCache };
        command.SetAction(async (result, ct) =>
        {
            using var signingKey = SigningKey.Load(result.GetValue(key)!);
            var info = await PackageBuilder.PackAsync(result.GetValue(dir)!, signingKey, result.GetValue(output)!, Settings(context, result.GetValue(npmCache)), ct);
            await context.Output.WriteLineAsync($"packed {info.Manifest.Title} {info.Manifest.MarketingVersion} (version {info.Manifest.Version}), {info.Size / 1024.0 / 1024.0:F1} MiB");
            await context.Output.WriteLineAsync($"app id: {info.AppId}");
            await context.Output.WriteLineAsync($"sha256: {info.Sha256}");
            return 0;
        });
        return command;
    }

    /// <summary>The <c>--npm-cache</c> option shared by <c>pack</c> and <c>dev</c>.</summary>
    public static Option<string?> NpmCacheOption() =>
        new("--npm-cache") { Description = "Where npm installs of recipes are kept between builds (default ~/.cache/outpost/npm, or $OUTPOST_NPM_CACHE)" };

    /// <summary>Pack settings that report slow steps on standard error.</summary>
    public static PackSettings Settings(CliContext context, string? npmCache)
    {
        var settings = new PackSettings { Progress = line => context.Error.WriteLine(line) };
        return npmCache is null ? settings : settings with { NpmCacheDir = Path.GetFullPath(npmCache) };
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
