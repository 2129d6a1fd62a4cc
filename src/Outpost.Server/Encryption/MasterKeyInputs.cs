namespace Outpost.Server.Encryption;

/// <summary>Where a master key may come from besides the key file: a base64 key or a passphrase, usually from the environment.</summary>
public sealed record MasterKeyInputs
{
    /// <summary>The environment variable holding the key in base64.</summary>
    public const string KeyVariable = "OUTPOST_MASTER_KEY";

    /// <summary>The environment variable holding the passphrase.</summary>
    public const string PassphraseVariable = "OUTPOST_MASTER_PASSPHRASE";

    /// <summary>The environment variable holding the new key during <c>outpost key rotate</c>.</summary>
    public const string NewKeyVariable = "OUTPOST_NEW_MASTER_KEY";

    /// <summary>The environment variable holding the new passphrase during <c>outpost key rotate</c>.</summary>
    public const string NewPassphraseVariable = "OUTPOST_NEW_MASTER_PASSPHRASE";

    /// <summary>A base64 key, or null.</summary>
    public string? Key { get; init; }

    /// <summary>A passphrase, or null.</summary>
    public string? Passphrase { get; init; }

    /// <summary>The names these inputs were read from, for messages.</summary>
    public required (string Key, string Passphrase) Names { get; init; }

    /// <summary>True when neither is set: the key file is used.</summary>
    public bool UseKeyFile => Key is null && Passphrase is null;

    /// <summary>The current key's inputs, from <paramref name="read"/> (the environment, or configuration in tests).</summary>
    public static MasterKeyInputs Current(Func<string, string?> read) => From(read, KeyVariable, PassphraseVariable);

    /// <summary>The new key's inputs for a rotation.</summary>
    public static MasterKeyInputs New(Func<string, string?> read) => From(read, NewKeyVariable, NewPassphraseVariable);

    private static MasterKeyInputs From(Func<string, string?> read, string keyName, string passphraseName)
    {
        var inputs = new MasterKeyInputs
        {
            Key = NullIfEmpty(read(keyName)),
            Passphrase = NullIfEmpty(read(passphraseName)),
            Names = (keyName, passphraseName),
        };
        if (inputs is { Key: not null, Passphrase: not null })
        {
            throw new MasterKeyException($"Both {keyName} and {passphraseName} are set: set only one of them.");
        }

        return inputs;
    }

    /// <summary>Says which inputs are set, never their values: records print every property by default.</summary>
    public override string ToString() =>
        $"MasterKeyInputs {{ {Names.Key}: {(Key is null ? "unset" : "set")}, {Names.Passphrase}: {(Passphrase is null ? "unset" : "set")} }}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Which master key the server runs with and where it came from (shown at start).</summary>
/// <param name="Id">The key id (check value).</param>
/// <param name="Source">The key file's path or the variable's name.</param>
/// <param name="Created">True when this start created the key file.</param>
public sealed record MasterKeyInfo(string Id, string Source, bool Created);
