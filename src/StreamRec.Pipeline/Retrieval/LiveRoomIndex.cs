using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Retrieval;

/// <summary>
/// The live rooms, indexed for retrieval and kept up to date as rooms start, stop, change category and gain
/// popularity: live rooms per streamer, per category and overall in popularity order, and by start time.
/// All popularities share one half-life, so log2(value) + ts / h orders rooms the same at every instant and
/// only rooms that gained engagement move. Global: changed only between the partitions' parallel phases.
/// </summary>
public sealed class LiveRoomIndex(RetrievalLimits limits, TimeSpan popularityHalfLife)
{
    private static readonly Comparer<(double Key, int Room)> ByPopularity =
        Comparer<(double Key, int Room)>.Create(static (a, b) => a.Key != b.Key ? b.Key.CompareTo(a.Key) : a.Room.CompareTo(b.Room));

    private static readonly Comparer<(long Start, int Room)> ByStart =
        Comparer<(long Start, int Room)>.Create(static (a, b) => a.Start != b.Start ? b.Start.CompareTo(a.Start) : a.Room.CompareTo(b.Room));

    private readonly double _halfLifeMs = popularityHalfLife.TotalMilliseconds;
    private readonly Dictionary<int, List<int>> _byStreamer = [];
    private readonly Dictionary<int, SortedSet<(double Key, int Room)>> _byCategory = [];
    private readonly SortedSet<(double Key, int Room)> _trending = new(ByPopularity);
    private readonly SortedSet<(long Start, int Room)> _fresh = new(ByStart);
    private readonly Dictionary<int, int[]> _categoryTops = [];
    private readonly HashSet<int> _dirtyCategories = [];
    private readonly List<int> _liveCategories = [];
    private int[] _trendingTop = [];
    private int[] _freshTop = [];
    private bool _dirty = true;

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
        _trending.Add((room.IndexedKey, room.Room));
        _fresh.Add((room.StartTs, room.Room));
        AddToCategory(room, room.Category);
        _dirty = true;
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

        _trending.Remove((room.IndexedKey, room.Room));
        _fresh.Remove((room.StartTs, room.Room));
        RemoveFromCategory(room);
        _dirty = true;
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
        var key = KeyOf(room.Popularity);
        if (key == room.IndexedKey)
        {
            return;
        }

        _trending.Remove((room.IndexedKey, room.Room));
        if (room.IndexedCategory >= 0)
        {
            _byCategory[room.IndexedCategory].Remove((room.IndexedKey, room.Room));
            _byCategory[room.IndexedCategory].Add((key, room.Room));
            _dirtyCategories.Add(room.IndexedCategory);
        }

        room.IndexedKey = key;
        _trending.Add((key, room.Room));
        _dirty = true;
    }

    /// <summary>Materialises the top lists the partitions read during the tick.</summary>
    public void PrepareTick(long nowMs)
    {
        if (_dirty)
        {
            _trendingTop = [.. _trending.Take(limits.Trending).Select(static r => r.Room)];
            _liveCategories.Clear();
            _liveCategories.AddRange(_byCategory.Where(static c => c.Value.Count > 0).Select(static c => c.Key).Order());
            _dirty = false;
        }

        foreach (var category in _dirtyCategories)
        {
            _categoryTops[category] = _byCategory.TryGetValue(category, out var rooms)
                ? [.. rooms.Take(limits.PerCategory).Select(static r => r.Room)]
                : [];
        }

        _dirtyCategories.Clear();
        var from = nowMs - (long)limits.FreshWindow.TotalMilliseconds;
        var fresh = new List<int>(limits.Fresh);
        foreach (var (start, room) in _fresh)
        {
            if (start < from || fresh.Count == limits.Fresh)
            {
                break;
            }

            fresh.Add(room);
        }

        _freshTop = [.. fresh];
    }

    private void AddToCategory(RoomState room, int category)
    {
        room.IndexedCategory = category;
        if (category < 0)
        {
            return;
        }

        if (!_byCategory.TryGetValue(category, out var rooms))
        {
            _byCategory[category] = rooms = new SortedSet<(double Key, int Room)>(ByPopularity);
        }

        rooms.Add((room.IndexedKey, room.Room));
        _dirtyCategories.Add(category);
        _dirty = true;
    }

    private void RemoveFromCategory(RoomState room)
    {
        if (room.IndexedCategory >= 0 && _byCategory.TryGetValue(room.IndexedCategory, out var rooms))
        {
            rooms.Remove((room.IndexedKey, room.Room));
            _dirtyCategories.Add(room.IndexedCategory);
            _dirty = true;
        }

        room.IndexedCategory = -1;
    }
}
