using Outpost.Packaging;

namespace Outpost.Server.Backups;

/// <summary>Turns what a request carries (a passphrase or a backup key's text) into a <see cref="BackupKey"/>.</summary>
public static class BackupSecrets
{
    /// <summary>Shortest passphrase a new backup may have: the file may leave the server and be guessed at offline.</summary>
    public const int MinPassphraseLength = 10;

    /// <summary>Header carrying a restore's passphrase, UTF-8 percent-encoded (as JavaScript's encodeURIComponent does).</summary>
    public const string PassphraseHeader = "X-Outpost-Backup-Passphrase";

    /// <summary>Header carrying a restore's backup key: its key line, "outpost-backup-key-1 …".</summary>
    public const string KeyHeader = "X-Outpost-Backup-Key";

    /// <summary>
    /// The key for exactly one of <paramref name="passphrase"/> and <paramref name="keyText"/>; throws
    /// <see cref="BackupException"/> with what to give instead. A new backup's passphrase must have
    /// <see cref="MinPassphraseLength"/> characters; a restore takes the passphrase the backup was made with.
    /// </summary>
    public static BackupKey From(string? passphrase, string? keyText, bool forNewBackup)
    {
        var hasPassphrase = !string.IsNullOrEmpty(passphrase);
        var hasKey = !string.IsNullOrWhiteSpace(keyText);
        if (hasPassphrase == hasKey)
        {
            throw new BackupException("give either a passphrase or a backup key (exactly one of the two)");
        }

        if (hasKey)
        {
            return BackupKey.FromText(keyText!);
        }

        if (forNewBackup && passphrase!.Length < MinPassphraseLength)
        {
            throw new BackupException($"a backup passphrase needs at least {MinPassphraseLength} characters; a long sentence is easiest to remember");
        }

        return BackupKey.FromPassphrase(passphrase!);
    }
}
