namespace StreamRec.Simulation;

/// <summary>
/// Which rooms are live right now, with per-category popularity trees: an exploring viewer picks a category
/// by taste x live popularity mass, then a room within it in O(log rooms), instead of scanning every room.
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
        var categories = Vocabulary.Categories.Length;
        var sizes = new int[categories];
        _slot = new int[rooms.Count];
        for (var r = 0; r < rooms.Count; r++)
        {
            _slot[r] = sizes[rooms.CategoryOf(r)]++;
        }

        _trees = new FenwickTree[categories];
        _roomAt = new int[categories][];
        for (var c = 0; c < categories; c++)
        {
            _trees[c] = new FenwickTree(sizes[c]);
            _roomAt[c] = new int[sizes[c]];
        }

        for (var r = 0; r < rooms.Count; r++)
        {
            _roomAt[rooms.CategoryOf(r)][_slot[r]] = r;
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

    /// <summary>Summed popularity of the live rooms of <paramref name="category"/>, in <see cref="RoomTable.WeightScale"/> units.</summary>
    public long Mass(int category) => _trees[category].Total;

    public void Start(int room, long stop)
    {
        _stop[room] = stop;
        _trees[_rooms.CategoryOf(room)].Add(_slot[room], _rooms.WeightOf(room));
        Peak = Math.Max(Peak, ++Count);
    }

    public void Stop(int room)
    {
        _stop[room] = Offline;
        _trees[_rooms.CategoryOf(room)].Add(_slot[room], -_rooms.WeightOf(room));
        Count--;
    }

    /// <summary>A live room of <paramref name="category"/> (which must have one), with probability proportional to popularity.</summary>
    public int Pick(int category, ref ulong random)
    {
        var tree = _trees[category];
        return _roomAt[category][tree.Find(SplitMix.NextInt64(ref random, tree.Total))];
    }
}
