namespace StreamRec.Simulation;

/// <summary>
/// Which rooms are live right now, with a popularity tree per (category, sub-genre, price) bucket: an exploring
/// viewer picks a bucket by taste x live popularity mass, then a room within it in O(log rooms), instead of
/// scanning every room.
/// </summary>
internal sealed class LiveRooms
{
    private const long Offline = long.MinValue;

    private readonly RoomTable _rooms;
    private readonly FenwickTree[] _trees;
    private readonly int[] _slot;
    private readonly int[][] _roomAt;
    private readonly long[] _stop;

    public LiveRooms(RoomTable rooms)
    {
        _rooms = rooms;
        var buckets = rooms.Buckets.Count;
        var sizes = new int[buckets];
        _slot = new int[rooms.Count];
        for (var r = 0; r < rooms.Count; r++)
        {
            _slot[r] = sizes[rooms.BucketOf(r)]++;
        }

        _trees = new FenwickTree[buckets];
        _roomAt = new int[buckets][];
        for (var b = 0; b < buckets; b++)
        {
            _trees[b] = new FenwickTree(sizes[b]);
            _roomAt[b] = new int[sizes[b]];
        }

        for (var r = 0; r < rooms.Count; r++)
        {
            _roomAt[rooms.BucketOf(r)][_slot[r]] = r;
        }

        _stop = new long[rooms.Count];
        Array.Fill(_stop, Offline);
    }

    public int Count { get; private set; }

    /// <summary>The most rooms live at once so far.</summary>
    public int Peak { get; private set; }

    public bool IsLive(int room) => _stop[room] != Offline;

    /// <summary>When the live session of <paramref name="room"/> ends (possibly after the simulated span).</summary>
    public long StopOf(int room) => _stop[room];

    /// <summary>Summed popularity of the live rooms of <paramref name="bucket"/>, in <see cref="RoomTable.WeightScale"/> units.</summary>
    public long Mass(int bucket) => _trees[bucket].Total;

    public void Start(int room, long stop)
    {
        _stop[room] = stop;
        _trees[_rooms.BucketOf(room)].Add(_slot[room], _rooms.WeightOf(room));
        Peak = Math.Max(Peak, ++Count);
    }

    public void Stop(int room)
    {
        _stop[room] = Offline;
        _trees[_rooms.BucketOf(room)].Add(_slot[room], -_rooms.WeightOf(room));
        Count--;
    }

    /// <summary>A live room of <paramref name="bucket"/> (which must have one), with probability proportional to popularity.</summary>
    public int Pick(int bucket, ref ulong random)
    {
        var tree = _trees[bucket];
        return _roomAt[bucket][tree.Find(SplitMix.NextInt64(ref random, tree.Total))];
    }
}
