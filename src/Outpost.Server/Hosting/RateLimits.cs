using System.Threading.RateLimiting;

namespace Outpost.Server.Hosting;

/// <summary>Rate limits on the pages where guessing pays: sign-in, setup and invitation links.</summary>
internal static class RateLimits
{
    /// <summary>Policy name for sign-in, two-factor, setup, invitation and sign-up pages.</summary>
    public const string Auth = "auth";

    public static IServiceCollection AddOutpostRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many attempts from your address. Wait a minute and try again.", ct);
            };

            // Per client address: 20 requests a minute is plenty for a person and slow for a guesser.
            o.AddPolicy(Auth, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
}
