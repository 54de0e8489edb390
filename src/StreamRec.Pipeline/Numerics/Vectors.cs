using System.Numerics.Tensors;

namespace StreamRec.Pipeline.Numerics;

/// <summary>Small dense-vector helpers over spans (vectorised by System.Numerics.Tensors).</summary>
public static class Vectors
{
    /// <summary>
    /// Dot product tuned for the short vectors of the hot path: TensorPrimitives' dispatch overhead
    /// dominates at 32 floats, a plain SIMD loop does not.
    /// </summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Vectors differ in length.", nameof(b));
        }

        var sum = System.Numerics.Vector<float>.Zero;
        var width = System.Numerics.Vector<float>.Count;
        var i = 0;
        for (; i <= a.Length - width; i += width)
        {
            sum += new System.Numerics.Vector<float>(a[i..]) * new System.Numerics.Vector<float>(b[i..]);
        }

        var result = System.Numerics.Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }

        return result;
    }

    /// <summary>Cosine similarity; 0 when either vector is zero.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var na = TensorPrimitives.Norm(a);
        var nb = TensorPrimitives.Norm(b);
        return na == 0 || nb == 0 ? 0f : TensorPrimitives.Dot(a, b) / (na * nb);
    }

    /// <summary>target = target * scale + weight * add.</summary>
    public static void ScaleAdd(Span<float> target, float scale, ReadOnlySpan<float> add, float weight)
    {
        TensorPrimitives.Multiply(target, scale, target);
        TensorPrimitives.MultiplyAdd(add, weight, target, target);
    }

    /// <summary>Euclidean length.</summary>
    public static float Norm(ReadOnlySpan<float> v) => TensorPrimitives.Norm(v);

    /// <summary>Scales <paramref name="v"/> to unit length in place (no-op for the zero vector).</summary>
    public static void Normalize(Span<float> v)
    {
        var n = TensorPrimitives.Norm(v);
        if (n > 0)
        {
            TensorPrimitives.Divide(v, n, v);
        }
    }

    /// <summary>Writes <paramref name="v"/> scaled to unit length into <paramref name="unit"/>; false for the zero vector.</summary>
    public static bool TryUnit(ReadOnlySpan<float> v, Span<float> unit)
    {
        var n = TensorPrimitives.Norm(v);
        if (n == 0)
        {
            return false;
        }

        TensorPrimitives.Divide(v, n, unit);
        return true;
    }
}
