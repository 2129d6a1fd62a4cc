namespace Outpost.Sandboxing.Native.Seccomp;

/// <summary>One rule of the filter: a syscall, an action, and optional conditions on its arguments (all must hold).</summary>
internal sealed record SeccompRule(string Syscall, uint Action, params ArgumentCondition[] Conditions);

/// <summary>A condition on one syscall argument (0-based), compared as a 64-bit value.</summary>
internal readonly record struct ArgumentCondition(uint Argument, LibSeccomp.Compare Operator, ulong DatumA, ulong DatumB = 0)
{
    public static ArgumentCondition Equal(uint argument, ulong value) => new(argument, LibSeccomp.Compare.Equal, value);

    public static ArgumentCondition NotEqual(uint argument, ulong value) => new(argument, LibSeccomp.Compare.NotEqual, value);

    public static ArgumentCondition GreaterThan(uint argument, ulong value) => new(argument, LibSeccomp.Compare.GreaterThan, value);

    /// <summary>(argument &amp; mask) == value.</summary>
    public static ArgumentCondition MaskedEqual(uint argument, ulong mask, ulong value) => new(argument, LibSeccomp.Compare.MaskedEqual, mask, value);
}
