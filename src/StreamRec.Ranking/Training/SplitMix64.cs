namespace StreamRec.Ranking.Training;

/// <summary>
/// A fully specified generator for negative sampling (System.Random's algorithm is an implementation detail), seeded
/// per case so a case's negatives do not depend on how many draws earlier cases made.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((Next() >> 11) * (1.0 / (1UL << 53)) * n);
}
