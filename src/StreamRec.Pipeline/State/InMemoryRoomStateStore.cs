namespace StreamRec.Pipeline.State;

/// <summary>Rooms and streamers in dense arrays; the live set as a list with an index for O(1) removal.</summary>
public sealed class InMemoryRoomStateStore(int dimensions) : IRoomStateStore
{
    private readonly List<RoomState?> _rooms = [];
    private readonly List<StreamerState?> _streamers = [];
    private readonly List<int> _live = [];
    private readonly Dictionary<int, int> _livePosition = [];

    public int RoomCount { get; private set; }

    public IReadOnlyList<int> LiveRooms => _live;

    public RoomState GetOrAddRoom(int room)
    {
        if (FindRoom(room) is { } existing)
        {
            return existing;
        }

        Grow(_rooms, room);
        RoomCount++;
        return _rooms[room] = new RoomState(room);
    }

    public RoomState? FindRoom(int room) => room < _rooms.Count ? _rooms[room] : null;

    public StreamerState GetOrAddStreamer(int streamer)
    {
        if (FindStreamer(streamer) is { } existing)
        {
            return existing;
        }

        Grow(_streamers, streamer);
        return _streamers[streamer] = new StreamerState(dimensions);
    }

    public StreamerState? FindStreamer(int streamer) => streamer < _streamers.Count ? _streamers[streamer] : null;

    public bool SetLive(int room, bool live)
    {
        if (live)
        {
            if (!_livePosition.TryAdd(room, _live.Count))
            {
                return false;
            }

            _live.Add(room);
            return true;
        }

        if (!_livePosition.Remove(room, out var position))
        {
            return false;
        }

        var last = _live[^1];
        _live[position] = last;
        _live.RemoveAt(_live.Count - 1);
        if (last != room)
        {
            _livePosition[last] = position;
        }

        return true;
    }

    /// <summary>Writes every room, streamer and the live list exactly (a checkpoint).</summary>
    internal void Save(Durability.SnapshotWriter w)
    {
        w.VarUInt((ulong)_rooms.Count);
        foreach (var room in _rooms)
        {
            w.Bool(room is not null);
            if (room is not null)
            {
                w.Int(room.Streamer);
                w.Int(room.Category);
                w.Bool(room.IsLive);
                w.Long(room.StartTs);
                w.Decayed(room.Popularity);
                w.Decayed(room.Visits);
                w.Decayed(room.Purchases);
                w.Decayed(room.Intents);
                w.Double(room.IndexedKey);
                w.Int(room.IndexedCategory);
            }
        }

        w.VarUInt((ulong)_streamers.Count);
        foreach (var streamer in _streamers)
        {
            w.Bool(streamer is not null);
            if (streamer is not null)
            {
                w.Floats(streamer.Audience);
                w.Decayed(streamer.AudienceMass);
            }
        }

        w.VarUInt((ulong)_live.Count);
        foreach (var room in _live)
        {
            w.Int(room);
        }
    }

    /// <summary>Replaces the whole store with what <see cref="Save"/> wrote.</summary>
    internal void Load(Durability.SnapshotReader r)
    {
        _rooms.Clear();
        _streamers.Clear();
        _live.Clear();
        _livePosition.Clear();
        RoomCount = 0;
        var rooms = r.Count();
        for (var i = 0; i < rooms; i++)
        {
            if (!r.Bool())
            {
                _rooms.Add(null);
                continue;
            }

            _rooms.Add(new RoomState(i)
            {
                Streamer = r.Int(),
                Category = r.Int(),
                IsLive = r.Bool(),
                StartTs = r.Long(),
                Popularity = r.Decayed(),
                Visits = r.Decayed(),
                Purchases = r.Decayed(),
                Intents = r.Version >= 2 ? r.Decayed() : default,
                IndexedKey = r.Double(),
                IndexedCategory = r.Int(),
            });
            RoomCount++;
        }

        var streamers = r.Count();
        for (var i = 0; i < streamers; i++)
        {
            if (!r.Bool())
            {
                _streamers.Add(null);
                continue;
            }

            var streamer = new StreamerState(dimensions);
            r.Floats(streamer.Audience);
            streamer.AudienceMass = r.Decayed();
            _streamers.Add(streamer);
        }

        var live = r.Count();
        for (var i = 0; i < live; i++)
        {
            var room = r.Int();
            _livePosition[room] = _live.Count;
            _live.Add(room);
        }
    }

    private static void Grow<T>(List<T?> list, int index)
        where T : class
    {
        while (list.Count <= index)
        {
            list.Add(null);
        }
    }
}
