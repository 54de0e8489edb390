namespace StreamRec.Simulation;

/// <summary>
/// SplitMix64 over a caller-held state, so a million viewers keep their generators in one <c>ulong[]</c>
/// instead of a million objects. <see cref="DeterministicRandom"/> is the same generator as a class.
/// </summary>
internal static class SplitMix
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    public static ulong Next(ref ulong state) => Mix(state += Golden);

    /// <summary>The seed of sub-stream <paramref name="index"/> of <paramref name="stream"/>: a pure function, so any
    /// room or viewer can be seeded without drawing through all the others.</summary>
    public static ulong Seed(ulong seed, ulong stream, ulong index) => Mix(Mix(seed ^ (stream * 0xD1B54A32D192ED03UL)) + (index * Golden));

    /// <summary>Uniform in [0, 1).</summary>
    public static double NextDouble(ref ulong state) => (Next(ref state) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public static int Next(ref ulong state, int n) => (int)(NextDouble(ref state) * n);

    /// <summary>Exactly uniform in [0, n) for n > 0 (Lemire's multiply-shift with rejection).</summary>
    public static long NextInt64(ref ulong state, long n)
    {
        var bound = (ulong)n;
        var high = Math.BigMul(Next(ref state), bound, out var low);
        if (low < bound)
        {
            var threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(Next(ref state), bound, out low);
            }
        }

        return (long)high;
    }

    public static bool Chance(ref ulong state, double p) => NextDouble(ref state) < p;

    /// <summary>Exponential with the given mean.</summary>
    public static double Exponential(ref ulong state, double mean) => -mean * PortableMath.Log(1.0 - NextDouble(ref state));

    /// <summary>Standard normal (Marsaglia's polar method: no trigonometry, so no platform libm).</summary>
    public static double Gaussian(ref ulong state)
    {
        double u, s;
        do
        {
            u = (2 * NextDouble(ref state)) - 1;
            var v = (2 * NextDouble(ref state)) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        return u * Math.Sqrt(-2 * PortableMath.Log(s) / s);
    }

    /// <summary>Log-normal with the given median and shape.</summary>
    public static double LogNormal(ref ulong state, double median, double sigma) => median * PortableMath.Exp(sigma * Gaussian(ref state));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
