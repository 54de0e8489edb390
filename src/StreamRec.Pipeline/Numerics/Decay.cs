namespace StreamRec.Pipeline.Numerics;

/// <summary>
/// Exponential decay by event time: a quantity last updated at t0 is worth 2^-((t - t0) / halfLife) of
/// itself at t. Out-of-order events (t &lt; t0) do not "un-decay" a value: the factor is capped at 1.
/// </summary>
public static class Decay
{
    public static double Factor(long fromMs, long toMs, TimeSpan halfLife)
    {
        var dt = toMs - fromMs;
        return dt <= 0 ? 1.0 : double.Exp2(-dt / halfLife.TotalMilliseconds);
    }
}
