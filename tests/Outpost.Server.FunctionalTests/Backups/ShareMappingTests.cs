using Outpost.Packaging;
using Outpost.Server.Backups;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>
/// The shares of a backup are what its maker wrote in backup.json, so a crafted backup must not grant more on this
/// server than its maker could grant by sharing: no share in someone else's name, no link that belongs to another grain.
/// </summary>
public sealed class ShareMappingTests
{
    private const string OldOwner = "old-owner";
    private const string NewOwner = "new-owner";
    private const string Bob = "bob";
    private const string Carol = "carol";
    private static readonly string Hash = new('a', 64);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Map_OwnersSharesAndReshares_BecomeTheRestoringPersonsAndKeepTheirChains()
    {
        var mapping = Map(
            Share("s1", to: Bob, from: OldOwner, minutes: 1),
            Share("s2", to: Carol, from: Bob, minutes: 2),
            Share("l1", hash: Hash, from: OldOwner, minutes: 3),
            Share("s3", to: Carol, fromLink: "l1", from: Carol, minutes: 4));

        Assert.Empty(mapping.Skipped);
        Assert.Equal(NewOwner, mapping.Records[0].FromAccountId);
        Assert.Equal(NewOwner, mapping.Records[0].CreatedBy);
        Assert.Equal(Bob, mapping.Records[1].FromAccountId);
        Assert.Equal(mapping.NewIdOf("l1"), mapping.Records[3].FromLinkShareId);
        Assert.Equal(Hash, mapping.Records[2].TokenHash);
        Assert.All(mapping.Records, r => Assert.Equal("grain", r.GrainId));
        Assert.DoesNotContain(mapping.Records, r => r.Id is "s1" or "s2" or "l1" or "s3");
    }

    [Fact]
    public void Map_HostileOrUnmappableShares_AreLeftOutEachWithAReason()
    {
        var mapping = Map(
            Share("forged", to: Bob, from: Carol, minutes: 1),
            Share("stranger", to: "nobody-here", from: OldOwner, minutes: 2),
            Share("dup", to: Bob, from: OldOwner, minutes: 3),
            Share("dup", to: Carol, from: OldOwner, minutes: 4),
            Share("taken", hash: new string('b', 64), from: OldOwner, minutes: 5),
            Share("badhash", hash: "../../etc/passwd", from: OldOwner, minutes: 6),
            Share("both", to: Bob, hash: Hash, from: OldOwner, minutes: 7),
            Share("neither", from: OldOwner, minutes: 8),
            Share("role", to: Carol, from: OldOwner, role: "admin", minutes: 9),
            Share("orphan", to: Carol, fromLink: "missing", from: Carol, minutes: 10),
            Share("anonymous", to: Carol, minutes: 11),
            Share("self", to: OldOwner, from: OldOwner, minutes: 12));

        var kept = Assert.Single(mapping.Records);
        Assert.Equal(mapping.NewIdOf("dup"), kept.Id);
        Assert.Equal(Bob, kept.ToAccountId);
        Assert.Equal(11, mapping.Skipped.Count);
        Assert.Contains(mapping.Skipped, s => s.Contains("whose own access was not restored", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("does not exist on this server", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("lists this share twice", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("already opens another grain", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("link hash is malformed", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("neither a person share nor a link", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("no role 'admin'", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("through a link that was not restored", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("does not say who made it", StringComparison.Ordinal));
        Assert.Contains(mapping.Skipped, s => s.Contains("now is you", StringComparison.Ordinal));
    }

    private static ShareMapping Map(params BackupShare[] shares) => ShareMapping.Map(
        new BackupManifest
        {
            GrainId = "old-grain",
            Title = "t",
            OwnerAccountId = OldOwner,
            AppId = "app",
            AppVersion = 1,
            CreatedAt = Start,
            Shares = shares,
        },
        "grain", NewOwner,
        new HashSet<string>(StringComparer.Ordinal) { NewOwner, Bob, Carol },
        new HashSet<string>(StringComparer.Ordinal) { new('b', 64) },
        new HashSet<string>(StringComparer.Ordinal) { "editor", "viewer" });

    private static BackupShare Share(
        string id, int minutes, string? to = null, string? hash = null, string? from = null, string? fromLink = null, string role = "viewer") => new()
    {
        Id = id,
        ToAccountId = to,
        TokenHash = hash,
        RoleId = role,
        FromAccountId = from,
        FromLinkShareId = fromLink,
        CreatedBy = from ?? "someone",
        CreatedAt = Start.AddMinutes(minutes),
    };
}
