using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>HTTP API for administering people: <c>/api/users</c> (admins only).</summary>
internal static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").RequireAuthorization("admin");
        group.MapGet("/", async (AccountManager accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListAsync(ct)));
        group.MapPatch("/{id}", UpdateAsync);
        group.MapPost("/invitations", InviteAsync);
        return api;
    }

    private static async Task<IResult> UpdateAsync(string id, UpdateAccountRequest request, ClaimsPrincipal user, AccountManager accounts)
    {
        var error = await accounts.UpdateAsync(id, request.Role, request.Disabled, user.AccountId());
        return error is null ? TypedResults.NoContent() : TypedResults.Problem(title: "Cannot change this account", detail: error, statusCode: StatusCodes.Status400BadRequest);
    }

    private static async Task<Ok<InvitationCreated>> InviteAsync(CreateInvitationRequest request, HttpRequest http, ClaimsPrincipal user, InvitationService invitations, CancellationToken ct)
    {
        var token = await invitations.InviteAsync(request.Role, request.Note, user.AccountId(), null, ct);
        return TypedResults.Ok(new InvitationCreated { Url = $"{http.Scheme}://{http.Host}/invite/{token}" });
    }
}

/// <summary>Body of <c>PATCH /api/users/{id}</c>: only the fields to change.</summary>
public sealed record UpdateAccountRequest
{
    [JsonConverter(typeof(JsonStringEnumConverter<AccountRole>))]
    public AccountRole? Role { get; init; }

    public bool? Disabled { get; init; }
}

/// <summary>Body of <c>POST /api/users/invitations</c>.</summary>
public sealed record CreateInvitationRequest
{
    [JsonConverter(typeof(JsonStringEnumConverter<AccountRole>))]
    public AccountRole Role { get; init; } = AccountRole.User;

    public string? Note { get; init; }
}

/// <summary>A new single-use invitation link.</summary>
public sealed record InvitationCreated
{
    public required string Url { get; init; }
}
