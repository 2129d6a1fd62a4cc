using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Outpost.Core.Security;
using Outpost.Data;
using Outpost.Server.Accounts;

namespace Outpost.Server.Auth;

/// <summary>Authenticates API calls that carry <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
internal sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        // Resolved only here: most requests carry no token, and a DbContext per request is not free.
        var db = Context.RequestServices.GetRequiredService<OutpostDbContext>();
        var hash = SecretToken.Hash(header["Bearer ".Length..].Trim());
        var found = await db.ApiTokens
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Join(db.Accounts.Where(a => !a.Disabled), t => t.AccountId, a => a.Id, (t, a) => new { a.Id, a.Name, a.Role })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("The API token is not valid. Get one with 'outpost admin-token'.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(AccountClaims.For(found.Id, found.Name, found.Role), SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Results.Problem(
            title: "Authentication required",
            detail: "Send an API token as 'Authorization: Bearer <token>'. Get one with 'outpost admin-token'.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }
}

