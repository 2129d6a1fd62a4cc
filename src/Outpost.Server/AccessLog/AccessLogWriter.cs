using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Data.Grains;

namespace Outpost.Server.AccessLog;

/// <summary>
/// Adds entries to the access log in the caller's unit of work: the entry is saved by the same
/// <c>SaveChangesAsync</c> as the change it describes, so there is never a share without its log line or the reverse.
/// </summary>
internal sealed class AccessLogWriter(OutpostDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>The actor of work done outside any request (schedules, start-up).</summary>
    public static readonly AccessLogActor Server = new(null, "Outpost", null);

    /// <summary>Adds an entry about <paramref name="grain"/> by whoever makes the current request; the caller saves.</summary>
    public void Add(GrainRecord grain, string action, string? shareId = null, string? role = null, string? detail = null) =>
        Add(grain, http.HttpContext is { } context ? AccessLogActor.From(context) : Server, action, shareId, role, detail);

    /// <summary>Adds an entry about <paramref name="grain"/>; the caller saves.</summary>
    public void Add(GrainRecord grain, AccessLogActor actor, string action, string? shareId = null, string? role = null, string? detail = null) =>
        db.AccessLog.Add(new AccessLogEntry
        {
            At = time.GetUtcNow(),
            GrainId = grain.Id,
            GrainTitle = grain.Title,
            GrainOwnerId = grain.OwnerId,
            Action = action,
            ActorAccountId = actor.AccountId,
            ActorName = Truncate(actor.Name, 200),
            ShareId = shareId,
            Role = role is null ? null : Truncate(role, 200),
            Address = actor.Address is null ? null : Truncate(actor.Address, 64),
            Detail = detail is null ? null : Truncate(detail, 500),
        });

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
