using System.Text;

namespace StreamRec.Pipeline.Numerics;

/// <summary>
/// A fixed pseudo-random unit vector per category name, seeded by a hash of the name. Independent random
/// directions in many dimensions are nearly orthogonal, so categories start apart and any new category
/// gets a vector at once, on every instance alike, with nothing to train.
/// </summary>
public static class CategoryEmbedding
{
    public static float[] For(string category, int dimensions)
    {
        var state = Fnv1a(Encoding.UTF8.GetBytes(category));
        var v = new float[dimensions];
        for (var i = 0; i < dimensions; i += 2)
        {
            // Box-Muller over SplitMix64 draws: Gaussian components give a uniformly random direction.
            var u1 = (NextUInt64(ref state) >> 11) * (1.0 / (1UL << 53));
            var u2 = (NextUInt64(ref state) >> 11) * (1.0 / (1UL << 53));
            var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u1));
            v[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < dimensions)
            {
                v[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            }
        }

        Vectors.Normalize(v);
        return v;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong NextUInt64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
