using System.CommandLine;
using System.Globalization;
using Outpost.Server.Transfer;

namespace Outpost.Cli.Commands;

/// <summary>
/// <c>outpost transfer offer|list|cancel|pull</c>: move your grains from one Outpost server to another. The token is
/// never required as an argument (arguments are visible to every user of the machine): it may come from
/// <c>$OUTPOST_TRANSFER_TOKEN</c> or standard input.
/// </summary>
internal static class TransferCommands
{
    private const string TokenVariable = "OUTPOST_TRANSFER_TOKEN";

    public static Command Create(CliContext context)
    {
        var transfer = new Command("transfer", "Move your grains to another Outpost server: offer them here, pull them there.");
        ServerOptions.AddTo(transfer);
        transfer.Subcommands.Add(Offer(context));
        transfer.Subcommands.Add(List(context));
        transfer.Subcommands.Add(Cancel(context));
        transfer.Subcommands.Add(Pull(context));
        return transfer;
    }

    private static Command Offer(CliContext context)
    {
        var grains = new Option<string[]>("--grain") { Description = "A grain to offer (repeat for several; default: all your grains)", AllowMultipleArgumentsPerToken = false };
        var expires = new Option<string>("--expires") { Description = "How long the token works: 30m, 24h, 7d (default 24h, at most 30d)", DefaultValueFactory = _ => "24h" };
        var command = new Command("offer", "Offer your grains to another server; prints a token to give it (shown once).") { grains, expires };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var created = await client.CreateTransferOfferAsync(new CreateOfferRequest
            {
                GrainIds = result.GetValue(grains) is { Length: > 0 } ids ? ids : null,
                ExpiresIn = ParseDuration(result.GetValue(expires)!),
            }, ct);
            await context.Output.WriteLineAsync(created.Token);
            var what = created.Offer.GrainIds is { } listed ? $"{listed.Count} grain(s)" : "all your grains";
            await context.Error.WriteLineAsync($"Offer {created.Offer.Id} covers {what} until {created.Offer.ExpiresAt.ToLocalTime():yyyy-MM-dd HH:mm}. "
                + "Whoever has the token can copy them: pass it on privately. On the receiving server run:");
            await context.Error.WriteLineAsync($"  {created.Command}");
            await context.Error.WriteLineAsync($"Cancel it with: outpost transfer cancel {created.Offer.Id}");
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List your transfer offers on this server.");
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var offers = await client.ListTransferOffersAsync(ct);
            await Table.WriteAsync(context.Output, ["ID", "STATE", "GRAINS", "DOWNLOADS", "EXPIRES"], offers.Select(o => new[]
            {
                o.Id, o.State, o.GrainIds is { } ids ? ids.Count.ToString(CultureInfo.InvariantCulture) : "all",
                o.ExportCount.ToString(CultureInfo.InvariantCulture), o.ExpiresAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            }));
            return 0;
        });
        return command;
    }

    private static Command Cancel(CliContext context)
    {
        var id = new Argument<string>("OFFER_ID");
        var command = new Command("cancel", "Cancel a transfer offer: its token stops working at once.") { id };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.CancelTransferOfferAsync(result.GetValue(id)!, ct);
            await context.Output.WriteLineAsync("cancelled");
            return 0;
        });
        return command;
    }

    private static Command Pull(CliContext context)
    {
        var url = new Argument<string>("URL") { Description = "The address of the server the grains are on, e.g. https://old.example.org" };
        var token = new Argument<string?>("TOKEN") { Description = $"The offer's token; '-' reads it from standard input (default: ${TokenVariable})", Arity = ArgumentArity.ZeroOrOne };
        var removeSource = new Option<bool>("--remove-source") { Description = "Once all have arrived, move the originals to the trash on the other server (recoverable there)" };
        var command = new Command("pull", "Copy the grains of a transfer offer from another server to this one (--server), as new grains of yours.") { url, token, removeSource };
        command.SetAction(async (result, ct) =>
        {
            var secret = await TokenAsync(result.GetValue(token));
            using var client = ServerOptions.Client(result);
            var status = await client.StartPullAsync(new PullRequest { Url = result.GetValue(url)!, Token = secret, RemoveSource = result.GetValue(removeSource) }, ct);
            var printer = new PullPrinter(context.Error);
            // Bounded by the server: every pull ends (each request to the other server has a timeout).
            while (status.State == "running")
            {
                await printer.ShowAsync(status);
                await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
                status = await client.PullStatusAsync(status.Id, ct);
            }

            await printer.ShowAsync(status);
            foreach (var grain in status.Grains.Where(g => g.GrainId is not null))
            {
                await context.Output.WriteLineAsync($"{grain.GrainId}\t{grain.Title}");
            }

            await context.Error.WriteLineAsync(status.Message);
            return status.State == "done" ? 0 : 1;
        });
        return command;
    }

    private static async Task<string> TokenAsync(string? argument)
    {
        var token = argument == "-" ? await Console.In.ReadLineAsync()
            : argument ?? Environment.GetEnvironmentVariable(TokenVariable);
        return token is { Length: > 0 } ? token.Trim()
            : throw new CliException($"No transfer token: set {TokenVariable}, give it as TOKEN, or give '-' and type or pipe it in.");
    }

    /// <summary>Parses 30m, 24h, 7d (or a .NET time span such as 1.12:00:00).</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new CliException($"--expires '{text}' is not a duration; write e.g. 30m, 24h or 7d.");
    }

    /// <summary>Writes a line per grain when it changes state, and its bytes as it downloads (at most every second).</summary>
    private sealed class PullPrinter(TextWriter error)
    {
        private readonly Dictionary<string, string> _shown = new(StringComparer.Ordinal);
        private long _lastBytesLine;

        public async Task ShowAsync(PullStatus status)
        {
            for (var i = 0; i < status.Grains.Count; i++)
            {
                var grain = status.Grains[i];
                var line = grain.State switch
                {
                    "downloading" => $"{Of(i, status)} “{grain.Title}”: {Size(grain.BytesDone)} of {Size(grain.BytesTotal)}",
                    "restoring" => $"{Of(i, status)} “{grain.Title}”: restoring",
                    "done" => $"{Of(i, status)} “{grain.Title}”: done ({Size(grain.BytesTotal)})",
                    "skipped" => $"{Of(i, status)} “{grain.Title}”: already here (moved before), skipped",
                    "failed" => $"{Of(i, status)} “{grain.Title}”: failed: {grain.Error}",
                    _ => null,
                };
                if (line is null || _shown.GetValueOrDefault(grain.SourceId) == line)
                {
                    continue;
                }

                var isBytes = grain.State == "downloading" && _shown.GetValueOrDefault(grain.SourceId)?.EndsWith(Size(grain.BytesTotal), StringComparison.Ordinal) == true;
                if (isBytes && System.Diagnostics.Stopwatch.GetElapsedTime(_lastBytesLine) < TimeSpan.FromSeconds(1))
                {
                    continue;
                }

                _lastBytesLine = System.Diagnostics.Stopwatch.GetTimestamp();
                _shown[grain.SourceId] = line;
                await error.WriteLineAsync(line);
            }
        }

        private static string Of(int index, PullStatus status) => $"grain {index + 1} of {status.Grains.Count}";

        private static string Size(long bytes) => bytes < 1 << 20 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes / (1024.0 * 1024):0.0} MiB";
    }
}
