namespace StreamRec.Simulation;

/// <summary>
/// When each room is live: sessions of log-normal length (median 50 min, 10 to 240 min) separated by gaps of
/// at least 5 min (mean 45), 45% of rooms already live at the start. Sessions are planned one at a time, when
/// the previous one ends, so a month-long run holds one session per room, not a month of them.
/// </summary>
internal sealed class RoomSessions
{
    private const long Minute = 60_000;

    private readonly long _start;
    private readonly long _end;
    private readonly ulong[] _random;
    private readonly long[] _from;
    private readonly long[] _to;
    private readonly int[] _number;
    private readonly uint[] _sequence;

    public RoomSessions(int rooms, ulong seed, long start, long end)
    {
        _start = start;
        _end = end;
        _random = new ulong[rooms];
        _from = new long[rooms];
        _to = new long[rooms];
        _number = new int[rooms];
        _sequence = new uint[rooms];
        for (var r = 0; r < rooms; r++)
        {
            _random[r] = SplitMix.Seed(seed, 2, (ulong)r);
        }
    }

    /// <summary>Start of the session the room opens with (clipped to the start of the span); false if it never goes live.</summary>
    public bool TryFirst(int room, out long from)
    {
        ref var random = ref _random[room];
        var t = SplitMix.Chance(ref random, 0.45)
            ? _start - (long)SplitMix.Exponential(ref random, 30 * Minute)
            : _start + (long)SplitMix.Exponential(ref random, 40 * Minute);
        return TryPlan(room, t, out from);
    }

    /// <summary>Start of the session after the one that just ended; false if it would begin after the span.</summary>
    public bool TryNext(int room, out long from)
    {
        var t = _to[room] + (long)Math.Max(5 * Minute, SplitMix.Exponential(ref _random[room], 45 * Minute));
        return TryPlan(room, t, out from);
    }

    /// <summary>End of the planned or running session (may lie after the span: the room is then live to the end).</summary>
    public long StopOf(int room) => _to[room];

    /// <summary>1 for the room's first session inside the span, then 2, 3...; it names the session's title.</summary>
    public int NumberOf(int room) => _number[room];

    /// <summary>When the running session has its one flash-sale update (30% of sessions), and of which product.</summary>
    public bool TryUpdate(int room, out long at, out int product)
    {
        ref var random = ref _random[room];
        at = _from[room] + ((_to[room] - _from[room]) / 2);
        product = 0;
        if (!SplitMix.Chance(ref random, 0.3) || at >= _end)
        {
            return false;
        }

        product = SplitMix.Next(ref random, 50);
        return true;
    }

    /// <summary>An event of the room, ordered among the room's own events.</summary>
    public WorldEvent Event(int room, long ts, WorldEventKind kind, int data) =>
        new(ts, WorldEvent.OrderOf(viewer: false, room, _sequence[room]++), kind, room, room, data);

    private bool TryPlan(int room, long t, out long from)
    {
        ref var random = ref _random[room];
        while (t < _end)
        {
            var length = (long)Math.Clamp(SplitMix.LogNormal(ref random, 50 * Minute, 0.6), 10 * Minute, 240 * Minute);
            if (t + length > _start)
            {
                _from[room] = from = Math.Max(t, _start);
                _to[room] = t + length;
                _number[room]++;
                return true;
            }

            t += length + (long)Math.Max(5 * Minute, SplitMix.Exponential(ref random, 45 * Minute));
        }

        from = 0;
        return false;
    }
}
