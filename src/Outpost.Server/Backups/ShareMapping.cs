using Outpost.Core.Security;
using Outpost.Data.Sharing;
using Outpost.Packaging;

namespace Outpost.Server.Backups;

/// <summary>
/// Brings a backup's shares onto this server for the restored grain. Shares the backup's owner made become the
/// restoring person's; a person share needs its account here (same account id); a link keeps its token hash, so
/// the old link opens the restored grain. A re-share ("from" an account or link) is kept only when what it came from
/// was kept, so the sharing graph here grants no more than it did there. Everything left out gets a sentence.
/// </summary>
internal sealed class ShareMapping
{
    private const int MaxRoleIdLength = 100;
    private const int MaxLabelLength = 200;

    private readonly Dictionary<string, string> _newIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reachedAccounts = new(StringComparer.Ordinal);
    private readonly List<ShareRecord> _records = [];
    private readonly List<string> _skipped = [];

    /// <summary>The restored shares' rows, ready to add.</summary>
    public IReadOnlyList<ShareRecord> Records => _records;

    /// <summary>Why each left-out share was left out.</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>The restored share's id for a share id of the backup, or null when it was not restored.</summary>
    public string? NewIdOf(string? oldId) => oldId is not null && _newIds.TryGetValue(oldId, out var id) ? id : null;

    /// <summary>Maps <paramref name="manifest"/>'s shares onto grain <paramref name="grainId"/> of <paramref name="ownerId"/>.</summary>
    public static ShareMapping Map(
        BackupManifest manifest, string grainId, string ownerId, IReadOnlySet<string> accountsHere,
        IReadOnlySet<string> tokenHashesHere, IReadOnlySet<string> roles)
    {
        var mapping = new ShareMapping();
        mapping._reachedAccounts.Add(ownerId);
        // Oldest first: what a share came from is always older than the share.
        foreach (var share in manifest.Shares.OrderBy(s => s.CreatedAt))
        {
            if (mapping.Refusal(share, manifest.OwnerAccountId, ownerId, accountsHere, tokenHashesHere, roles) is { } reason)
            {
                mapping._skipped.Add($"{Describe(share)}: {reason}");
                continue;
            }

            mapping.Add(share, grainId, ownerId, manifest.OwnerAccountId);
        }

        return mapping;
    }

    private string? Refusal(
        BackupShare share, string? oldOwnerId, string ownerId, IReadOnlySet<string> accountsHere,
        IReadOnlySet<string> tokenHashesHere, IReadOnlySet<string> roles)
    {
        if (_newIds.ContainsKey(share.Id))
        {
            return "the backup lists this share twice";
        }

        if (!roles.Contains(share.RoleId) || share.RoleId.Length > MaxRoleIdLength)
        {
            return $"the app has no role '{Shorten(share.RoleId)}'";
        }

        if (share.ToAccountId is not null == share.TokenHash is not null)
        {
            return "it is neither a person share nor a link";
        }

        if (share.ToAccountId is { } to)
        {
            var mapped = MapAccount(to, oldOwnerId, ownerId);
            if (mapped == ownerId)
            {
                return "it was for the grain's owner, who now is you";
            }

            if (!accountsHere.Contains(mapped))
            {
                return $"it was for account {Shorten(to)}, which does not exist on this server";
            }
        }
        else if (!IsTokenHash(share.TokenHash!))
        {
            return "its link hash is malformed";
        }
        else if (tokenHashesHere.Contains(share.TokenHash!))
        {
            return "this link already opens another grain on this server (the backed-up grain is still here)";
        }

        if (share.FromLinkShareId is { } fromLink)
        {
            return _newIds.ContainsKey(fromLink) ? null : "it was made through a link that was not restored";
        }

        if (share.FromAccountId is { } from && !_reachedAccounts.Contains(MapAccount(from, oldOwnerId, ownerId)))
        {
            return "it was made by someone whose own access was not restored";
        }

        return share.FromAccountId is null ? "it does not say who made it" : null;
    }

    private void Add(BackupShare share, string grainId, string ownerId, string? oldOwnerId)
    {
        var id = SecretToken.New();
        _newIds[share.Id] = id;
        var to = share.ToAccountId is null ? null : MapAccount(share.ToAccountId, oldOwnerId, ownerId);
        if (to is not null)
        {
            // Revoked ones too: their re-shares are history like them, and the sharing graph grants nothing through them.
            _reachedAccounts.Add(to);
        }

        _records.Add(new ShareRecord
        {
            Id = id,
            GrainId = grainId,
            FromAccountId = share.FromAccountId is null ? null : MapAccount(share.FromAccountId, oldOwnerId, ownerId),
            FromLinkShareId = NewIdOf(share.FromLinkShareId),
            ToAccountId = to,
            TokenHash = share.TokenHash,
            RoleId = share.RoleId,
            Label = share.Label is null ? null : Shorten(share.Label, MaxLabelLength),
            ExpiresAt = share.ExpiresAt,
            SignInRequired = share.SignInRequired,
            CreatedBy = MapAccount(share.CreatedBy, oldOwnerId, ownerId),
            CreatedAt = share.CreatedAt,
            RevokedAt = share.RevokedAt,
        });
    }

    private static string MapAccount(string accountId, string? oldOwnerId, string ownerId) =>
        accountId == oldOwnerId ? ownerId : accountId;

    private static bool IsTokenHash(string hash) => hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower);

    private static string Describe(BackupShare share) =>
        share.TokenHash is not null ? $"link share {Shorten(share.Label ?? share.Id)}" : $"share {Shorten(share.Id)} with account {Shorten(share.ToAccountId ?? "?")}";

    private static string Shorten(string value, int max = 64) => value.Length <= max ? value : value[..max] + "…";
}
