using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Outpost.Data;
using Outpost.Data.Accounts;
using Outpost.Server.Auth;
using Outpost.Server.Hosting;

namespace Outpost.Server.Accounts;

/// <summary>Accounts, sign-in and authorization: ASP.NET Core Identity cookies for browsers, bearer tokens for scripts.</summary>
internal static class IdentitySetup
{
    /// <summary>Chooses the scheme per request: a bearer token when one is sent, else the browser's cookie.</summary>
    public const string Scheme = "Outpost";

    public static IServiceCollection AddOutpostIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<Account>(o =>
            {
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;

                // Length and a breach blocklist (CommonPasswordValidator), not composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddSignInManager<OutpostSignInManager>()
            .AddEntityFrameworkStores<OutpostDbContext>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<AccountClaimsFactory>()
            .AddPasswordValidator<CommonPasswordValidator>();

        // Authenticator keys and recovery codes are secrets: encrypted in the database (docs/encryption.md).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<Account>, Encryption.ProtectedUserStore>());

        // "Sign out everywhere" changes the security stamp; cookies re-check it this often.
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<OutpostOptions>>((o, outpost) => o.ValidationInterval = outpost.Value.SignInCheckInterval);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Outpost", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthentication.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "outpost_auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.SlidingExpiration = true;

            // The API answers 401/403 with a problem document; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.ConfigureExternalCookie(o => o.Cookie.Name = "outpost_external");

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy("admin", p => p.AddAuthenticationSchemes(Scheme).RequireRole("admin"))
            .AddPolicy("user", p => p.AddAuthenticationSchemes(Scheme).RequireRole("admin", "user"));
        services.AddScoped<InvitationService>();
        return services;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
