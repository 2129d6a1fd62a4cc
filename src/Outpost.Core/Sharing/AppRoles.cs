namespace Outpost.Core.Sharing;

/// <summary>The permissions and roles one version of an app declares, resolved once for fast evaluation.</summary>
/// <remarks>
/// Each role is kept as a bit mask over the declared permissions, so evaluating a graph of thousands of shares
/// is integer arithmetic with no set allocations. Build one per installed app version and reuse it.
/// </remarks>
public sealed class AppRoles
{
    /// <summary>Most permissions an app may declare here: the manifest allows 100, and a 128-bit mask holds them all.</summary>
    public const int MaxPermissions = 128;

    private readonly string[] _permissions;
    private readonly Dictionary<string, UInt128> _roleMasks;

    /// <summary>Resolves <paramref name="roles"/> (role id to permission ids) against the declared <paramref name="permissions"/>.</summary>
    /// <exception cref="ArgumentException">A permission is declared twice, too many are declared, or a role names an undeclared one.</exception>
    public AppRoles(IEnumerable<string> permissions, IReadOnlyDictionary<string, IReadOnlyList<string>> roles)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(roles);

        _permissions = [.. permissions];
        if (_permissions.Length > MaxPermissions)
        {
            throw new ArgumentException($"An app may declare at most {MaxPermissions} permissions, not {_permissions.Length}.", nameof(permissions));
        }

        var bitOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _permissions.Length; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(_permissions[i], nameof(permissions));
            if (!bitOf.TryAdd(_permissions[i], i))
            {
                throw new ArgumentException($"Permission '{_permissions[i]}' is declared twice.", nameof(permissions));
            }
        }

        _roleMasks = new Dictionary<string, UInt128>(roles.Count, StringComparer.Ordinal);
        var copied = new Dictionary<string, IReadOnlyList<string>>(roles.Count, StringComparer.Ordinal);
        foreach (var (roleId, rolePermissions) in roles)
        {
            var mask = UInt128.Zero;
            foreach (var permission in rolePermissions)
            {
                if (!bitOf.TryGetValue(permission, out var bit))
                {
                    throw new ArgumentException($"Role '{roleId}' names permission '{permission}', which is not declared.", nameof(roles));
                }

                mask |= UInt128.One << bit;
            }

            _roleMasks[roleId] = mask;
            copied[roleId] = [.. rolePermissions];
        }

        All = _permissions.Length == MaxPermissions ? UInt128.MaxValue : (UInt128.One << _permissions.Length) - 1;
        Permissions = _permissions.AsReadOnly();
        Roles = copied.AsReadOnly();
    }

    /// <summary>The declared permission ids, in declaration order.</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>Each declared role id with the permission ids it grants.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; }

    /// <summary>Every declared permission: what the owner holds.</summary>
    internal UInt128 All { get; }

    /// <summary>The permissions of <paramref name="roleId"/>, or false when the app does not declare that role.</summary>
    internal bool TryGetMask(string roleId, out UInt128 mask) => _roleMasks.TryGetValue(roleId, out mask);

    /// <summary>The permission ids in <paramref name="mask"/>, in declaration order.</summary>
    internal IReadOnlyList<string> Names(UInt128 mask)
    {
        if (mask == UInt128.Zero)
        {
            return [];
        }

        var names = new List<string>();
        for (var i = 0; i < _permissions.Length; i++)
        {
            if ((mask & (UInt128.One << i)) != UInt128.Zero)
            {
                names.Add(_permissions[i]);
            }
        }

        return names;
    }
}
