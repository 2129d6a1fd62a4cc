using System.CommandLine;
using System.Globalization;
using Outpost.Server.AccessLog;
using Outpost.Server.Sharing;

namespace Outpost.Cli.Commands;

/// <summary><c>outpost grain share</c>, <c>grain access</c> and <c>share revoke</c>: sharing from scripts, over the same API as the shell.</summary>
internal static class ShareCommands
{
    /// <summary><c>grain share GRAIN_ID --role ROLE [--label L] [--expires DURATION] [--with EMAIL] [--sign-in-required]</c>.</summary>
    public static Command Share(CliContext context)
    {
        var id = new Argument<string>("GRAIN_ID");
        var role = new Option<string>("--role") { Description = "Role to grant, as the app's manifest names it (e.g. viewer, editor)", Required = true };
        var label = new Option<string?>("--label") { Description = "A note for the access list, e.g. who the link is for" };
        var expires = new Option<string?>("--expires") { Description = "Link lifetime: 30m, 12h, 7d, or d.hh:mm:ss (default: no expiry)" };
        var with = new Option<string?>("--with") { Description = "Share with this person (their email or name) instead of creating a link" };
        var signIn = new Option<bool>("--sign-in-required") { Description = "Only signed-in people may use the link" };
        var command = new Command("share", "Share a grain: prints a secret link (or shares with a person with --with).") { id, role, label, expires, with, signIn };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var created = await client.ShareGrainAsync(result.GetValue(id)!, new CreateShareRequest
            {
                Role = result.GetValue(role)!,
                Label = result.GetValue(label),
                Person = result.GetValue(with),
                ExpiresIn = result.GetValue(expires) is { } text ? ParseDuration(text).ToString("c", CultureInfo.InvariantCulture) : null,
                SignInRequired = result.GetValue(signIn),
            }, ct);
            await context.Output.WriteLineAsync(created.Url ?? $"shared (share id {created.Id})");
            return 0;
        });
        return command;
    }

    /// <summary><c>grain access GRAIN_ID</c>: who has access, with share ids to revoke.</summary>
    public static Command Access(CliContext context)
    {
        var id = new Argument<string>("GRAIN_ID");
        var command = new Command("access", "List who has access to a grain (people and links) with their share ids.") { id };
        command.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            var entries = await client.GrainAccessAsync(result.GetValue(id)!, ct);
            await Table.WriteAsync(context.Output, ["SHARE ID", "WHO", "ROLE", "ADDED BY", "EXPIRES"], entries.Select(e => new[]
            {
                e.ShareId ?? "-",
                e.Kind == "owner" ? $"{e.Name} (owner)" : e.Name ?? e.Kind,
                e.Role,
                e.AddedBy ?? "",
                e.ExpiresAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "",
            }));
            return 0;
        });
        return command;
    }

    /// <summary><c>share revoke SHARE_ID</c>.</summary>
    public static Command Group(CliContext context)
    {
        var share = new Command("share", "Manage shares.");
        ServerOptions.AddTo(share);
        var shareId = new Argument<string>("SHARE_ID");
        var revoke = new Command("revoke", "Revoke a share; everything shared onward through it falls with it.") { shareId };
        revoke.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.RevokeShareAsync(result.GetValue(shareId)!, ct);
            await context.Output.WriteLineAsync("revoked");
            return 0;
        });
        share.Subcommands.Add(revoke);

        var changeId = new Argument<string>("SHARE_ID");
        var newRole = new Argument<string>("ROLE") { Description = "The role the share grants from now on" };
        var role = new Command("role", "Change the role a share grants (at most what you hold yourself).") { changeId, newRole };
        role.SetAction(async (result, ct) =>
        {
            using var client = ServerOptions.Client(result);
            await client.ChangeShareRoleAsync(result.GetValue(changeId)!, result.GetValue(newRole)!, ct);
            await context.Output.WriteLineAsync("changed");
            return 0;
        });
        share.Subcommands.Add(role);
        return share;
    }

    /// <summary><c>grain log GRAIN_ID [--json] [--action A] [--who W] [--since T] [--limit N]</c>: the access log, newest first.</summary>
    public static Command Log(CliContext context)
    {
        var id = new Argument<string>("GRAIN_ID");
        var json = new Option<bool>("--json") { Description = "Print every matching entry as JSON instead of a table" };
        var action = new Option<string?>("--action") { Description = "Only this kind: open, share.create, share.change, share.revoke, grain.rename, …" };
        var who = new Option<string?>("--who") { Description = "Only entries by this person (part of a name), account id or address" };
        var since = new Option<string?>("--since") { Description = "Only entries from this date or time on (e.g. 2026-11-01)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many entries (table: default 100)" };
        var command = new Command("log", "Print a grain's access log: who opened it, when, through which share, and every change to its sharing.")
        {
            id, json, action, who, since, limit,
        };
        command.SetAction(async (result, ct) =>
        {
            var query = new Dictionary<string, string>();
            AddIfSet(query, "action", result.GetValue(action));
            AddIfSet(query, "who", result.GetValue(who));
            AddIfSet(query, "since", result.GetValue(since));
            AddIfSet(query, "limit", result.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            if (result.GetValue(json))
            {
                query["export"] = "1";
            }

            using var client = ServerOptions.Client(result);
            var body = await client.GrainAccessLogJsonAsync(result.GetValue(id)!, query, ct);
            if (result.GetValue(json))
            {
                await context.Output.WriteLineAsync(body);
                return 0;
            }

            var entries = System.Text.Json.JsonSerializer.Deserialize<List<AccessLogView>>(body, System.Text.Json.JsonSerializerOptions.Web) ?? [];
            await Table.WriteAsync(context.Output, ["TIME (UTC)", "WHO", "ACTION", "ROLE", "ADDRESS", "DETAIL"], entries.Select(e => new[]
            {
                e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                e.Who,
                e.Action,
                e.Role ?? "",
                e.Address ?? "",
                e.Detail ?? "",
            }));
            return 0;
        });
        return command;
    }

    private static void AddIfSet(Dictionary<string, string> query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query[name] = value;
        }
    }

    /// <summary>Reads "30m", "12h", "7d" or a TimeSpan such as "1.12:00:00".</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (char.ToLowerInvariant(text[^1]))
            {
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new CliException($"'{text}' is not a duration. Use 30m, 12h, 7d or d.hh:mm:ss.");
    }
}
