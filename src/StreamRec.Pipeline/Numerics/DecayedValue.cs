namespace StreamRec.Pipeline.Numerics;

/// <summary>
/// A quantity that decays exponentially in event time: worth <see cref="Value"/> at <see cref="Ts"/> and
/// 2^-((t - Ts) / halfLife) of that at a later t. Immutable; adding returns the updated value.
/// </summary>
public readonly record struct DecayedValue(double Value, long Ts)
{
    /// <summary>The value at <paramref name="nowMs"/>; never grows for earlier times.</summary>
    public double At(long nowMs, TimeSpan halfLife) => Value * Decay.Factor(Ts, nowMs, halfLife);

    /// <summary>Decays to <paramref name="nowMs"/> and adds <paramref name="amount"/>.</summary>
    public DecayedValue Add(long nowMs, TimeSpan halfLife, double amount) =>
        new(At(nowMs, halfLife) + amount, Math.Max(Ts, nowMs));

    /// <summary>The sum of two decayed values, both decayed to the later of their times.</summary>
    public DecayedValue Merge(DecayedValue other, TimeSpan halfLife)
    {
        var ts = Math.Max(Ts, other.Ts);
        return new(At(ts, halfLife) + other.At(ts, halfLife), ts);
    }
}
