using Microsoft.AspNetCore.Identity;
using Outpost.Data.Accounts;

namespace Outpost.Server.Accounts;

/// <summary>
/// Rejects passwords that appear in breach corpora or that are built from the account's own names, following
/// NIST SP 800-63B: length and a blocklist rather than composition rules. The list (the most common passwords in
/// public breach data) ships with Outpost, so the check works offline and sends nothing anywhere.
/// </summary>
internal sealed class CommonPasswordValidator : IPasswordValidator<Account>
{
    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success); // length rules report this
        }

        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower) || Common.Value.Contains(TrimDigits(lower)))
        {
            return Fail("This password appears in lists of breached passwords. Choose a longer, less common one, such as a few unrelated words.");
        }

        if (password.Distinct().Count() < 4)
        {
            return Fail("This password repeats too few characters. Choose a longer, less predictable one.");
        }

        foreach (var own in new[] { user.UserName, user.Email?.Split('@')[0], user.Name })
        {
            if (own is { Length: >= 3 } && lower.Contains(own.ToLowerInvariant(), StringComparison.Ordinal))
            {
                return Fail("The password must not contain your name, user name or email.");
            }
        }

        return Task.FromResult(IdentityResult.Success);
    }

    private static Task<IdentityResult> Fail(string message) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "CommonPassword", Description = message }));

    private static string TrimDigits(string value) => value.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '!', '.');

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Outpost.Server.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
