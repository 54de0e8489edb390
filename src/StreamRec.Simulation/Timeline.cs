using System.Buffers;

namespace StreamRec.Simulation;

/// <summary>
/// The pending events of the world, taken in (time, order) order. A binary heap over a million pending visits
/// costs a cache miss per level; instead events go into one-second buckets, put in order only when the sweep
/// reaches them (a counting sort by millisecond, then the few same-millisecond runs by order), and the few
/// scheduled into the bucket being taken wait in a small heap beside it.
/// </summary>
internal sealed class Timeline
{
    private const int BucketWidth = 1000;

    private readonly long _start;
    private readonly WorldEvent[]?[] _buckets;
    private readonly int[] _counts;
    private readonly int[] _slots = new int[BucketWidth + 1];
    private readonly PriorityQueue<WorldEvent, WorldEvent> _late = new();
    private WorldEvent[] _sorted = new WorldEvent[1024];
    private int _sortedCount;
    private int _current = -1;
    private int _next;

    public Timeline(long start, long end)
    {
        _start = start;
        var buckets = (int)((end - start + BucketWidth - 1) / BucketWidth);
        _buckets = new WorldEvent[]?[buckets];
        _counts = new int[buckets];
    }

    /// <summary>Adds an event at or after the last one taken and before the end.</summary>
    public void Schedule(in WorldEvent e)
    {
        var b = (int)((e.Ts - _start) / BucketWidth);
        if (b == _current)
        {
            _late.Enqueue(e, e);
            return;
        }

        ref var bucket = ref _buckets[b];
        var count = _counts[b];
        if (bucket is null || count == bucket.Length)
        {
            var grown = ArrayPool<WorldEvent>.Shared.Rent(Math.Max(16, count * 2));
            if (bucket is not null)
            {
                bucket.AsSpan(0, count).CopyTo(grown);
                ArrayPool<WorldEvent>.Shared.Return(bucket);
            }

            bucket = grown;
        }

        bucket[count] = e;
        _counts[b] = count + 1;
    }

    public bool TryTake(out WorldEvent e)
    {
        while (true)
        {
            var fromBucket = _next < _sortedCount;
            if (fromBucket && (_late.Count == 0 || _sorted[_next] < _late.Peek()))
            {
                e = _sorted[_next++];
                return true;
            }

            if (_late.Count > 0)
            {
                e = _late.Dequeue();
                return true;
            }

            if (_current + 1 >= _buckets.Length)
            {
                e = default;
                return false;
            }

            Enter(++_current);
        }
    }

    /// <summary>Moves bucket <paramref name="b"/>, in order, into <see cref="_sorted"/>.</summary>
    private void Enter(int b)
    {
        _next = 0;
        _sortedCount = 0;
        if (_buckets[b] is not { } bucket)
        {
            return;
        }

        var events = bucket.AsSpan(0, _counts[b]);
        if (_sorted.Length < events.Length)
        {
            _sorted = new WorldEvent[Math.Max(events.Length, _sorted.Length * 2)];
        }

        var from = _start + ((long)b * BucketWidth);
        Array.Clear(_slots);
        foreach (ref readonly var e in events)
        {
            _slots[(int)(e.Ts - from) + 1]++;
        }

        for (var i = 1; i < _slots.Length; i++)
        {
            _slots[i] += _slots[i - 1];
        }

        foreach (ref readonly var e in events)
        {
            _sorted[_slots[(int)(e.Ts - from)]++] = e;
        }

        // Now in time order; an insertion pass orders each same-millisecond run (a handful of events) by Order.
        for (var i = 1; i < events.Length; i++)
        {
            var e = _sorted[i];
            var j = i - 1;
            for (; j >= 0 && e < _sorted[j]; j--)
            {
                _sorted[j + 1] = _sorted[j];
            }

            _sorted[j + 1] = e;
        }

        _sortedCount = events.Length;
        ArrayPool<WorldEvent>.Shared.Return(bucket);
        _buckets[b] = null;
        _counts[b] = 0;
    }
}
