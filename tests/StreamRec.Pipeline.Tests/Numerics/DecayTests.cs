using CsCheck;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.Tests.Numerics;

public sealed class DecayTests
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(10);

    [Fact]
    public void At_OneHalfLifeLater_IsHalf()
    {
        var value = new DecayedValue(8, 1_000);

        Assert.Equal(4, value.At(1_000 + (long)HalfLife.TotalMilliseconds, HalfLife), 12);
        Assert.Equal(2, value.At(1_000 + 2 * (long)HalfLife.TotalMilliseconds, HalfLife), 12);
    }

    [Fact]
    public void At_EarlierTime_DoesNotGrow()
    {
        var value = new DecayedValue(8, 10_000);

        Assert.Equal(8, value.At(5_000, HalfLife));
    }

    [Fact]
    public void Add_OutOfOrderEvent_KeepsNewestTimestamp()
    {
        var value = new DecayedValue(1, 10_000).Add(5_000, HalfLife, 1);

        Assert.Equal(10_000, value.Ts);
        Assert.Equal(2, value.Value);
    }

    [Fact]
    public void Add_SequenceOfEvents_EqualsClosedFormSum()
    {
        // Incremental updates must equal sum(w_i * 2^-((t - t_i) / h)) over all events, in event order.
        Gen.Select(Gen.Long[0, 3_600_000], Gen.Double[0, 5]).Array[1, 30].Sample(events =>
        {
            var ordered = events.OrderBy(e => e.Item1).ToArray();
            var incremental = ordered.Aggregate(default(DecayedValue), (v, e) => v.Add(e.Item1, HalfLife, e.Item2));
            var end = ordered[^1].Item1 + 60_000;
            var closedForm = ordered.Sum(e => e.Item2 * Math.Pow(2, -(end - e.Item1) / HalfLife.TotalMilliseconds));
            return Math.Abs(incremental.At(end, HalfLife) - closedForm) < 1e-9 * Math.Max(1, closedForm);
        });
    }
}
