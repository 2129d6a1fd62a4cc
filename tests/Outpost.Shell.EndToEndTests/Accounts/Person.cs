namespace Outpost.Shell.EndToEndTests.Accounts;

/// <summary>Someone using Outpost: what they type into the account forms.</summary>
internal sealed record Person(string Name, string Email, string Password)
{
    /// <summary>The person who sets up the server. The password passes the breach list and the name/email rules.</summary>
    public static Person Admin { get; } = new("Ada Lovelace", "ada@example.test", "violet anchor meadow 93");

    /// <summary>Another person, with an email unique to this call.</summary>
    public static Person Named(string name) =>
        new(name, $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}"[..24] + "@example.test", "copper lantern orchard 58");
}
