using Outpost.Data.AccessLog;

namespace Outpost.Server.AccessLog;

/// <summary>One access log entry as the API returns it.</summary>
public sealed record AccessLogView
{
    /// <summary>The entry's id; pass it as <c>before</c> to get the page after it.</summary>
    public long Id { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The grain concerned.</summary>
    public required string GrainId { get; init; }

    /// <summary>The grain's title at the time.</summary>
    public required string GrainTitle { get; init; }

    /// <summary>"open", "share.create", "share.change", "share.revoke", "grain.rename", …</summary>
    public required string Action { get; init; }

    /// <summary>Who: a person's name, "Anonymous" for a link visitor, or "Outpost" for the server itself.</summary>
    public required string Who { get; init; }

    /// <summary>The account that acted, if any.</summary>
    public string? AccountId { get; init; }

    /// <summary>The share used or acted on.</summary>
    public string? ShareId { get; init; }

    /// <summary>The role held or granted.</summary>
    public string? Role { get; init; }

    /// <summary>The client's IP address.</summary>
    public string? Address { get; init; }

    /// <summary>A short description.</summary>
    public string? Detail { get; init; }

    internal static AccessLogView From(AccessLogEntry e) => new()
    {
        Id = e.Id,
        At = e.At,
        GrainId = e.GrainId,
        GrainTitle = e.GrainTitle,
        Action = e.Action,
        Who = e.ActorName,
        AccountId = e.ActorAccountId,
        ShareId = e.ShareId,
        Role = e.Role,
        Address = e.Address,
        Detail = e.Detail,
    };
}
