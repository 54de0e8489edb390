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

    private static void Grow<T>(List<T?> list, int index)
        where T : class
    {
        while (list.Count <= index)
        {
            list.Add(null);
        }
    }
}
