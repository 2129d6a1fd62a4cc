using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Accounts;

namespace Outpost.Server.Encryption;

/// <summary>
/// Identity's user store with its tokens encrypted: Identity keeps authenticator (TOTP) keys and recovery codes in
/// AspNetUserTokens in plaintext, and reads and writes them only through these two methods.
/// </summary>
internal sealed class ProtectedUserStore(OutpostDbContext context, DatabaseSecrets secrets, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<Account, OutpostDbContext>(context, describer)
{
    public override Task SetTokenAsync(Account user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stored = value is null ? null : secrets.Protect(value, DatabaseSecrets.TokenContext(user.Id, loginProvider, name));
        return base.SetTokenAsync(user, loginProvider, name, stored, cancellationToken);
    }

    public override async Task<string?> GetTokenAsync(Account user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is null ? null : secrets.Unprotect(stored, DatabaseSecrets.TokenContext(user.Id, loginProvider, name));
    }
}
