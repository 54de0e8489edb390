using System.Numerics;

namespace StreamRec.Simulation;

/// <summary>
/// Prefix sums of integer weights with O(log n) update and weighted pick. Integers, not doubles: after a
/// million start/stop updates the sums are still exact, so a stopped room (weight 0) can never be picked.
/// </summary>
internal sealed class FenwickTree(int size)
{
    private readonly long[] _tree = new long[size + 1];
    private readonly int _top = size == 0 ? 0 : (int)BitOperations.RoundUpToPowerOf2((uint)size + 1) >> 1;

    public int Size => size;

    public long Total { get; private set; }

    public void Add(int index, long delta)
    {
        Total += delta;
        for (var i = index + 1; i < _tree.Length; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    /// <summary>The index whose weight covers <paramref name="target"/> in [0, <see cref="Total"/>): the smallest i with
    /// weight[0..i] > target.</summary>
    public int Find(long target)
    {
        var position = 0;
        for (var step = _top; step > 0; step >>= 1)
        {
            var next = position + step;
            if (next < _tree.Length && _tree[next] <= target)
            {
                position = next;
                target -= _tree[next];
            }
        }

        return position;
    }
}
