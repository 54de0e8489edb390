namespace StreamRec.Simulation;

/// <summary>
/// SplitMix64: tiny, fast and fully specified, so a seed gives the same stream on every runtime version
/// (System.Random's algorithm is an implementation detail). Logarithms and exponentials go through
/// <see cref="PortableMath"/>, so the same holds on every operating system.
/// </summary>
public sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64() => SplitMix.Next(ref _state);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => SplitMix.NextDouble(ref _state);

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => SplitMix.Next(ref _state, n);

    public bool Chance(double p) => SplitMix.Chance(ref _state, p);

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => SplitMix.Exponential(ref _state, mean);

    /// <summary>Standard normal.</summary>
    public double Gaussian() => SplitMix.Gaussian(ref _state);

    /// <summary>Log-normal with the given median and shape.</summary>
    public double LogNormal(double median, double sigma) => SplitMix.LogNormal(ref _state, median, sigma);

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/>; -1 if all are zero.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        if (total <= 0)
        {
            return -1;
        }

        var target = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>An independent generator for a sub-stream (per room, per user), so parts stay stable.</summary>
    public DeterministicRandom Fork(ulong stream) => new(NextUInt64() ^ (stream * 0xD1B54A32D192ED03UL));
}
