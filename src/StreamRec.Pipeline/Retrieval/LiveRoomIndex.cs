using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Retrieval;

/// <summary>
/// The live rooms, indexed for retrieval and kept up to date as rooms start, stop, change category and gain
/// popularity: live rooms per streamer and per category, and, prepared once per tick, the most popular per
/// category and overall and the most recently started. All popularities share one half-life, so
/// log2(value) + ts / h orders rooms the same at every instant. A tick's top lists come from one pass over
/// the live rooms with bounded selections, which costs less than keeping sorted sets in order as hundreds of
/// rooms gain engagement each tick. Global: changed only between the partitions' parallel phases.
/// </summary>
public sealed class LiveRoomIndex(RetrievalLimits limits, TimeSpan popularityHalfLife, Ids.IdTables ids)
{
    private readonly double _halfLifeMs = popularityHalfLife.TotalMilliseconds;
    private readonly Dictionary<int, List<int>> _byStreamer = [];
    private readonly Dictionary<int, List<RoomState>> _byCategory = [];
    private readonly List<RoomState> _live = [];
    private readonly Dictionary<int, int[]> _categoryTops = [];
    private readonly List<int> _liveCategories = [];
    private readonly List<(double Key, int Room)> _selection = [];
    private int[] _trendingTop = [];
    private int[] _freshTop = [];

    /// <summary>Categories with at least one live room, ascending (valid after <see cref="PrepareTick"/>).</summary>
    public ReadOnlySpan<int> LiveCategories => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_liveCategories);

    /// <summary>The most popular live rooms overall (valid after <see cref="PrepareTick"/>).</summary>
    public ReadOnlySpan<int> Trending => _trendingTop;

    /// <summary>Rooms started within the fresh window, newest first (valid after <see cref="PrepareTick"/>).</summary>
    public ReadOnlySpan<int> Fresh => _freshTop;

    /// <summary>The most popular live rooms of a category (valid after <see cref="PrepareTick"/>).</summary>
    public ReadOnlySpan<int> TopOf(int category) => _categoryTops.TryGetValue(category, out var top) ? top : [];

    /// <summary>Live rooms of a streamer, in start order.</summary>
    public ReadOnlySpan<int> LiveRoomsOf(int streamer) =>
        _byStreamer.TryGetValue(streamer, out var rooms) ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rooms) : [];

    /// <summary>The order key of a popularity: higher is more popular at any common instant.</summary>
    public double KeyOf(DecayedValue popularity) =>
        popularity.Value > 0 ? Math.Log2(popularity.Value) + (popularity.Ts / _halfLifeMs) : double.NegativeInfinity;

    public void Start(RoomState room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (room.Streamer >= 0)
        {
            if (!_byStreamer.TryGetValue(room.Streamer, out var rooms))
            {
                _byStreamer[room.Streamer] = rooms = [];
            }

            rooms.Add(room.Room);
        }

        room.IndexedKey = KeyOf(room.Popularity);
        _live.Add(room);
        AddToCategory(room, room.Category);
    }

    public void Stop(RoomState room, int streamer)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (streamer >= 0 && _byStreamer.TryGetValue(streamer, out var rooms))
        {
            rooms.Remove(room.Room);
            if (rooms.Count == 0)
            {
                _byStreamer.Remove(streamer);
            }
        }

        _live.Remove(room);
        RemoveFromCategory(room);
    }

    /// <summary>A live room's category changed.</summary>
    public void Recategorize(RoomState room)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (room.IndexedCategory != room.Category)
        {
            RemoveFromCategory(room);
            AddToCategory(room, room.Category);
        }
    }

    /// <summary>A live room's popularity changed.</summary>
    public void Reindex(RoomState room)
    {
        ArgumentNullException.ThrowIfNull(room);
        room.IndexedKey = KeyOf(room.Popularity);
    }

    /// <summary>Materialises the top lists the partitions read during the tick.</summary>
    public void PrepareTick(long nowMs)
    {
        _trendingTop = Top(_live, limits.Trending, static r => r.IndexedKey);
        _liveCategories.Clear();
        foreach (var (category, rooms) in _byCategory)
        {
            if (rooms.Count > 0)
            {
                _liveCategories.Add(category);
                _categoryTops[category] = Top(rooms, limits.PerCategory, static r => r.IndexedKey);
            }
            else
            {
                _categoryTops.Remove(category);
            }
        }

        _liveCategories.Sort(ids.Categories.CompareNames);
        var from = nowMs - (long)limits.FreshWindow.TotalMilliseconds;
        _freshTop = Top(_live, limits.Fresh, r => r.StartTs >= from ? r.StartTs : double.NegativeInfinity, onlyFinite: true);
    }

    /// <summary>Writes the index exactly, including the top lists of the last <see cref="PrepareTick"/>.</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_live.Count);
        foreach (var room in _live)
        {
            w.Int(room.Room);
        }

        w.VarUInt((ulong)_byStreamer.Count);
        foreach (var (streamer, rooms) in _byStreamer)
        {
            w.Int(streamer);
            Ints(w, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rooms));
        }

        w.VarUInt((ulong)_byCategory.Count);
        foreach (var (category, rooms) in _byCategory)
        {
            w.Int(category);
            w.VarUInt((ulong)rooms.Count);
            foreach (var room in rooms)
            {
                w.Int(room.Room);
            }
        }

        w.VarUInt((ulong)_categoryTops.Count);
        foreach (var (category, top) in _categoryTops)
        {
            w.Int(category);
            Ints(w, top);
        }

        Ints(w, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_liveCategories));
        Ints(w, _trendingTop);
        Ints(w, _freshTop);
    }

    /// <summary>Replaces the index with what <see cref="Save"/> wrote; <paramref name="rooms"/> is already restored.</summary>
    internal void Load(Durability.SnapshotReader r, IRoomStateStore rooms)
    {
        RoomState Room(int id) => rooms.FindRoom(id) ?? throw new InvalidDataException($"The checkpointed live-room index names room {id}, which the room table does not hold.");
        _live.Clear();
        _byStreamer.Clear();
        _byCategory.Clear();
        _categoryTops.Clear();
        _liveCategories.Clear();
        var live = r.Count();
        for (var i = 0; i < live; i++)
        {
            _live.Add(Room(r.Int()));
        }

        var streamers = r.Count();
        for (var i = 0; i < streamers; i++)
        {
            var streamer = r.Int();
            _byStreamer[streamer] = [.. ReadInts(r)];
        }

        var categories = r.Count();
        for (var i = 0; i < categories; i++)
        {
            var category = r.Int();
            var count = r.Count();
            var list = new List<RoomState>(count);
            for (var j = 0; j < count; j++)
            {
                list.Add(Room(r.Int()));
            }

            _byCategory[category] = list;
        }

        var tops = r.Count();
        for (var i = 0; i < tops; i++)
        {
            var category = r.Int();
            _categoryTops[category] = ReadInts(r);
        }

        _liveCategories.AddRange(ReadInts(r));
        _trendingTop = ReadInts(r);
        _freshTop = ReadInts(r);
    }

    private static void Ints(Durability.SnapshotWriter w, ReadOnlySpan<int> values)
    {
        w.VarUInt((ulong)values.Length);
        foreach (var value in values)
        {
            w.Int(value);
        }
    }

    private static int[] ReadInts(Durability.SnapshotReader r)
    {
        var values = new int[r.Count()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.Int();
        }

        return values;
    }

    /// <summary>The <paramref name="count"/> rooms of highest key (ties by room id), best first.</summary>
    private int[] Top(List<RoomState> rooms, int count, Func<RoomState, double> key, bool onlyFinite = false)
    {
        _selection.Clear();
        if (count == 0)
        {
            return [];
        }

        foreach (var room in rooms)
        {
            var candidate = (Key: key(room), room.Room);
            if (onlyFinite && double.IsNegativeInfinity(candidate.Key))
            {
                continue;
            }

            if (_selection.Count == count && !Before(candidate, _selection[^1]))
            {
                continue;
            }

            var position = _selection.Count < count ? _selection.Count : count - 1;
            if (_selection.Count < count)
            {
                _selection.Add(candidate);
            }

            while (position > 0 && Before(candidate, _selection[position - 1]))
            {
                _selection[position] = _selection[position - 1];
                position--;
            }

            _selection[position] = candidate;
        }

        var top = new int[_selection.Count];
        for (var i = 0; i < top.Length; i++)
        {
            top[i] = _selection[i].Room;
        }

        return top;
    }

    private bool Before((double Key, int Room) a, (double Key, int Room) b) => a.Key > b.Key || (a.Key == b.Key && ids.Rooms.CompareNames(a.Room, b.Room) < 0);

    private void AddToCategory(RoomState room, int category)
    {
        room.IndexedCategory = category;
        if (category < 0)
        {
            return;
        }

        if (!_byCategory.TryGetValue(category, out var rooms))
        {
            _byCategory[category] = rooms = [];
        }

        rooms.Add(room);
    }

    private void RemoveFromCategory(RoomState room)
    {
        if (room.IndexedCategory >= 0 && _byCategory.TryGetValue(room.IndexedCategory, out var rooms))
        {
            rooms.Remove(room);
        }

        room.IndexedCategory = -1;
    }
}
