namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// A cumulative histogram of positive durations in seconds, in log-linear buckets: 32 per power of two from
/// 2^-20 s (~1 µs) to 2^12 s (~68 min), so any percentile it reports is within 1/32 (3.1%) of the true value.
/// Recording is one interlocked increment and allocates nothing; readers take <see cref="Read"/> copies and
/// subtract an earlier copy to get a window (<see cref="HistogramReading.Since"/>), so many readers can keep
/// windows of their own without resetting anything.
/// </summary>
public sealed class LogHistogram
{
    internal const int SubBits = 5;
    internal const int MinExponent = -20;
    internal const int MaxExponent = 12;
    internal const int BucketCount = (MaxExponent - MinExponent) << SubBits;

    private readonly long[] _counts = new long[BucketCount];
    private long _maxBits;

    /// <summary>Adds one value (seconds); values below the range count in the first bucket, above it in the last.</summary>
    public void Record(double seconds) => Record(seconds, 1);

    /// <summary>Adds <paramref name="count"/> equal values at once (one per delta of a batch, say).</summary>
    public void Record(double seconds, long count)
    {
        if (count <= 0 || double.IsNaN(seconds))
        {
            return;
        }

        Interlocked.Add(ref _counts[IndexOf(seconds)], count);
        var bits = BitConverter.DoubleToInt64Bits(Math.Max(seconds, 0));
        long seen;
        while (bits > (seen = Interlocked.Read(ref _maxBits)) && Interlocked.CompareExchange(ref _maxBits, bits, seen) != seen)
        {
        }
    }

    /// <summary>A copy of the counts so far.</summary>
    public HistogramReading Read()
    {
        var counts = new long[BucketCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        return new HistogramReading(counts, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _maxBits)));
    }

    internal static int IndexOf(double seconds)
    {
        if (!(seconds > 0))
        {
            return 0;
        }

        // Exponent and the top mantissa bits of the IEEE 754 double are the bucket: no logarithm needed.
        var bits = BitConverter.DoubleToInt64Bits(seconds);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        if (exponent < MinExponent)
        {
            return 0;
        }

        if (exponent >= MaxExponent)
        {
            return BucketCount - 1;
        }

        var sub = (int)((bits >> (52 - SubBits)) & ((1 << SubBits) - 1));
        return ((exponent - MinExponent) << SubBits) | sub;
    }

    /// <summary>The middle of bucket <paramref name="index"/>, in seconds.</summary>
    internal static double MidpointOf(int index)
    {
        var exponent = (index >> SubBits) + MinExponent;
        var sub = index & ((1 << SubBits) - 1);
        return Math.ScaleB(1.0 + ((sub + 0.5) / (1 << SubBits)), exponent);
    }
}
