using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Outpost.Data.Accounts;
using Outpost.Server.Hosting;

namespace Outpost.Server.Accounts;

/// <summary>
/// Browser endpoints of the account pages that are not pages themselves: sign-out, and the WebAuthn options a
/// page's script asks for before it calls <c>navigator.credentials</c>. The credential the browser returns is then
/// posted with the page's own form, where Identity checks it against the state these calls left in a cookie.
/// </summary>
internal static class AccountEndpoints
{
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        // A plain form post from the top bar of every page, so it has its own address instead of a handler on
        // each page (which would render, say, a grain page and open a session just to sign out).
        app.MapPost("/logout", SignOutAsync).DisableAntiforgery();
        app.MapPost("/account/passkeys/options", CreationOptionsAsync).RequireAuthorization().DisableAntiforgery();
        app.MapPost("/login/passkey/options", RequestOptionsAsync).RequireRateLimiting(RateLimits.Auth).DisableAntiforgery();
        return app;
    }

    // Each endpoint checks the antiforgery token itself (form field or RequestVerificationToken header): none
    // binds form fields, so the framework would not.
    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, SignInManager<Account> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        await signIn.SignOutAsync();
        return TypedResults.Redirect("/login");
    }

    /// <summary>Options for adding a passkey to the signed-in account.</summary>
    private static async Task<IResult> CreationOptionsAsync(HttpContext context, IAntiforgery antiforgery, UserManager<Account> users, SignInManager<Account> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        var user = await users.GetUserAsync(context.User);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = user.Id,
            Name = user.Email ?? user.UserName ?? user.Name,
            DisplayName = user.Name,
        });
        return TypedResults.Content(options, "application/json");
    }

    /// <summary>
    /// Options for signing in with a passkey. No account is named: the browser offers the passkeys it holds for
    /// this site, so the page reveals nothing about who has an account.
    /// </summary>
    private static async Task<IResult> RequestOptionsAsync(HttpContext context, IAntiforgery antiforgery, SignInManager<Account> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        return TypedResults.Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json");
    }
}
