namespace StreamRec.Pipeline.Metrics;

/// <summary>Bucket counts of a <see cref="LogHistogram"/> at one moment, or the difference of two such moments.</summary>
public sealed class HistogramReading
{
    private readonly long[] _counts;

    internal HistogramReading(long[] counts, double max)
    {
        _counts = counts;
        Max = max;
        Count = counts.Sum();
    }

    /// <summary>An empty reading, the start of every window.</summary>
    public static HistogramReading Empty { get; } = new(new long[LogHistogram.BucketCount], 0);

    public long Count { get; }

    /// <summary>
    /// The largest value: exact for a cumulative reading; for a window, the top of its highest non-empty bucket,
    /// capped by the exact all-time maximum.
    /// </summary>
    public double Max { get; }

    /// <summary>What was recorded after <paramref name="earlier"/> (a reading of the same histogram).</summary>
    public HistogramReading Since(HistogramReading earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var counts = new long[_counts.Length];
        var top = -1;
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = _counts[i] - earlier._counts[i];
            top = counts[i] > 0 ? i : top;
        }

        var max = top < 0 ? 0 : Math.Min(Max, LogHistogram.MidpointOf(top) * (1 + (0.5 / (1 << LogHistogram.SubBits))));
        return new HistogramReading(counts, max);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), as the middle of its bucket; NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(LogHistogram.MidpointOf(i), Max);
            }
        }

        return Max;
    }
}
