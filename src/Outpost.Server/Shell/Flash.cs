using Microsoft.AspNetCore.DataProtection;

namespace Outpost.Server.Shell;

/// <summary>
/// A one-time message carried across a post-redirect-get ("Moved “Budget” to the trash."). It rides in a short-lived
/// cookie protected with data protection: session hosts are subdomains of the shell and can set cookies that reach
/// it, so an unprotected cookie would let a grain put words in Outpost's mouth.
/// </summary>
internal static class Flash
{
    private const string CookieName = "outpost_flash";
    private const string Purpose = "Outpost.Shell.Flash";

    /// <summary>Sets the message shown by the next page this browser renders.</summary>
    public static void Set(HttpContext context, string message, FlashKind kind = FlashKind.Success)
    {
        var protector = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        context.Response.Cookies.Append(CookieName, protector.Protect($"{(int)kind}:{message}"), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromSeconds(30),
            IsEssential = true,
        });
    }

    /// <summary>Returns the pending message, if any, and removes it so a reload does not show it again.</summary>
    public static (string Text, FlashKind Kind)? Take(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        }

        try
        {
            var plain = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(value);
            var colon = plain.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && int.TryParse(plain.AsSpan(0, colon), out var kind) && Enum.IsDefined((FlashKind)kind)
                ? (plain[(colon + 1)..], (FlashKind)kind)
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // tampered with, or from keys that no longer exist: not worth an error page
        }
    }
}

/// <summary>How a flash message is styled.</summary>
internal enum FlashKind
{
    Success,
    Info,
    Error,
}
