namespace Outpost.Core.Sharing;

/// <summary>The answer to "may this principal share the grain with this role?".</summary>
public enum ShareCheck
{
    /// <summary>The maker holds every permission of the role and may share it.</summary>
    Allowed,

    /// <summary>The maker has no access to the grain, so has nothing to share.</summary>
    NoAccess,

    /// <summary>The app does not declare the requested role.</summary>
    UnknownRole,

    /// <summary>The role carries a permission the maker does not hold: sharing it would escalate.</summary>
    WouldEscalate,
}
